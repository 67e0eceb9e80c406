"""Pure-Python sequence helpers of the Python tools: CTC greedy collapse and Levenshtein
distance. tools/train scores its phone error rate with them; bench/pytorch_eager.py and
bench/library_eager.py time them as the decode and edit-distance stages a user's own Python
pipeline would run (plain loops, on purpose: keep them so)."""


def ctc_collapse(ids, blank=0):
    """Frame label ids -> the labels they stand for: repeats collapsed, blanks dropped."""
    out, prev = [], None
    for i in ids:
        if i != prev and i != blank:
            out.append(i)
        prev = i
    return out


def edit_distance(a, b):
    """Levenshtein distance (unit costs) between two sequences."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]
