def word_counts(lines):
    """Counts how often each word occurs in the given lines."""
    counts = {}
    for line in lines:
        for word in line.split():
            counts[word] = counts.get(word, 0) + 1
    return counts


print(word_counts(["a b a", "b c"]))
