"""The documents journey out: templates compiled and rendered, files placed safely, PDFs."""
