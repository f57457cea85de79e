"""Numbers written in English words, their values, and the splits of the language task.

    725    -> "seven hundred and twenty five"
    402007 -> "four hundred and two thousand and seven"

Every prefix of a number's words has a value (the value of the words read so far: "seven
hundred" is 700), which is what a model that predicts after every token is trained on.
Trask et al. (2018), section 4.3: numbers 0-1000; training set 0-19 plus a random sample of
the rest that holds every token; 169 train / 200 validation / the rest test.
"""

import numpy as np

from errors import UsageError

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
TOKENS = (*ONES, *TENS, "hundred", "thousand", "and")
PAD = 0  # token ids start at 1; 0 pads a batch of shorter numbers
IDS = {token: index + 1 for index, token in enumerate(TOKENS)}
LARGEST = 999_999
VALUES = {**{word: value for value, word in enumerate(ONES)},
          **{word: 20 + 10 * index for index, word in enumerate(TENS)}}


def below_thousand(number):
    """Words of 0 < number < 1000 (British "and" after the hundreds)."""
    words = []
    hundreds, rest = divmod(number, 100)
    if hundreds:
        words += [ONES[hundreds], "hundred"] + (["and"] if rest else [])
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words += [TENS[tens - 2]] + ([ONES[ones]] if ones else [])
    elif rest:
        words.append(ONES[rest])
    return words


def number_to_words(number):
    """The words of 0 <= number <= 999,999 as a list of tokens."""
    if not 0 <= number <= LARGEST:
        raise ValueError(f"number must be in 0..{LARGEST}, received: number={number!r}")
    if number == 0:
        return ["zero"]
    thousands, rest = divmod(number, 1000)
    words = below_thousand(thousands) + ["thousand"] if thousands else []
    if rest:
        words += (["and"] if thousands and rest < 100 else []) + below_thousand(rest)
    return words


def prefix_values(words):
    """The value after each token: thousands already closed plus the open group."""
    closed, group, values = 0, 0, []
    for word in words:
        if word == "hundred":
            group *= 100
        elif word == "thousand":
            closed, group = closed + group * 1000, 0
        elif word != "and":
            group += VALUES[word]
        values.append(closed + group)
    return values


def parse_words(text):
    """Tokens of a user's text, each one known; a UsageError naming the word otherwise."""
    words = text.replace("-", " ").lower().split()
    if not words:
        raise UsageError(f"--words {text!r}: empty; write a number in words, e.g. 'forty two'")
    unknown = [word for word in words if word not in IDS]
    if unknown:
        raise UsageError(f"--words {text!r}: unknown word {unknown[0]!r}; the words are "
                         f"{', '.join(TOKENS)}")
    return words


def encode(numbers):
    """Token ids (n, longest) padded with PAD, per-token prefix values (n, longest) and the
    mask of real tokens, for a list of numbers."""
    words = [number_to_words(int(number)) for number in numbers]
    longest = max(len(item) for item in words)
    ids = np.zeros((len(words), longest), dtype="int32")
    values = np.zeros((len(words), longest), dtype="float32")
    for row, item in enumerate(words):
        ids[row, :len(item)] = [IDS[word] for word in item]
        values[row, :len(item)] = prefix_values(item)
    return ids, values, (ids != PAD).astype("float32")


def tokens_of(numbers):
    return {word for number in numbers for word in number_to_words(int(number))}


def split(seed, largest, train_size, validation_size, train_below=None):
    """(train, validation, test) arrays of numbers in 0..largest.

    Train: 0-19, then one random number holding each token not yet seen, then random
    numbers up to `train_size`, all below `train_below` when given (the extrapolation
    split: training sees every token, but only small numbers). Validation: random numbers
    from the same range as train. Test: the rest of 0..largest (or, with `train_below`, a
    random `validation_size` sample of the numbers at or above it).
    """
    rng = np.random.default_rng([seed, 0x30D5])
    limit = largest + 1 if train_below is None else train_below
    pool = rng.permutation(np.arange(20, limit))
    train = list(range(20))
    for token in TOKENS:
        if token not in tokens_of(train):
            holder = next(int(n) for n in pool if token in number_to_words(int(n))
                          and int(n) not in train)
            train.append(holder)
    if len(train) > train_size:
        raise ValueError(f"train_size={train_size} cannot hold 0-19 and every token")
    rest = [int(n) for n in pool if int(n) not in set(train)]
    needed = train_size - len(train)
    train += rest[:needed]
    remaining = rest[needed:]
    validation = remaining[:validation_size]
    if train_below is None:
        test = remaining[validation_size:]
    else:
        above = rng.choice(np.arange(train_below, largest + 1), validation_size, replace=False)
        test = [int(n) for n in above]
    return np.array(sorted(train)), np.array(validation), np.array(test)
