"""Domain services: pure Python business rules, given a store and a clock. No py-cord imports."""
