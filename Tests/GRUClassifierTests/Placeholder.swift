import Testing

@Test func placeholder_GRUClassifierTests() {}
