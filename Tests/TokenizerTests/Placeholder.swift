import Testing

@Test func placeholder_TokenizerTests() {}
