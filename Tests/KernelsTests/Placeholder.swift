import Testing

@Test func placeholder_KernelsTests() {}
