// Embedding module
