def word_counts(lines):
    """Counts how often each word occurs in the given lines."""
    counts = {}
    for line in lines:
        for word in line.split():
            counts[word] = counts.get(word, 0) + 1
    return counts


def most_common(counts, n=3):
    """The n most frequent words, most frequent first."""
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    return [word for word, _ in ranked[:n]]


lines = ["the cat sat on the mat", "the dog sat on the log"]
print(most_common(word_counts(lines)))
