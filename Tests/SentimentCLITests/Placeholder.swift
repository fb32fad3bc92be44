import Testing

@Test func placeholder_SentimentCLITests() {}
