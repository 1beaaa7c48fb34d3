"""Names that make the synthetic catalog read like music: genres, artists, titles.

Everything is drawn from a numpy generator passed in, so a world's seed fixes
every name; artist names are made unique because the catalog promises it.
"""

GENRES = (
    "pop", "rock", "hip hop", "electronic", "r&b", "indie", "jazz", "classical",
    "metal", "country", "folk", "latin", "reggae", "blues", "soul", "punk",
    "techno", "house", "ambient", "funk",
)

# Mean track length in seconds per genre (same order as GENRES).
GENRE_DURATION = (
    205, 235, 215, 300, 220, 230, 330, 420, 280, 200, 225, 210, 230, 250, 215, 165,
    380, 340, 390, 260,
)

ADJECTIVES = (
    "Silver", "Velvet", "Electric", "Midnight", "Golden", "Broken", "Neon", "Crimson",
    "Quiet", "Wild", "Hollow", "Lunar", "Paper", "Northern", "Burning", "Frozen",
    "Lost", "Cosmic", "Sleepy", "Iron", "Blue", "Scarlet", "Distant", "Tender",
    "Savage", "Gentle", "Restless", "Static", "Sacred", "Dusty", "Wandering", "Bright",
)

NOUNS = (
    "Wolves", "Harbor", "Echoes", "Riders", "Machines", "Gardens", "Lights", "Rivers",
    "Tigers", "Ghosts", "Satellites", "Horizon", "Saints", "Foxes", "Engines", "Waves",
    "Mirrors", "Dreamers", "Kings", "Pilots", "Owls", "Comets", "Strangers", "Flowers",
    "Thieves", "Mountains", "Signals", "Sparrows", "Orchestra", "Collective", "Union", "Club",
)

FIRST_NAMES = (
    "Ada", "Leo", "Mia", "Noah", "Ivy", "Omar", "Zoe", "Finn", "Lena", "Ravi", "Nina",
    "Hugo", "Sara", "Theo", "Yuki", "Aria", "Milo", "Elif", "Kofi", "Luz", "Otto",
    "Rosa", "Sven", "Tara", "Vera", "Wade", "Xena", "Yara", "Igor", "June", "Kai", "Lior",
)

LAST_NAMES = (
    "Stone", "Rivera", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad",
    "Novak", "Silva", "Brooks", "Ivanova", "Mendes", "Park", "Quinn", "Fischer",
    "Adeyemi", "Costa", "Duval", "Berg", "Khan", "Lopez", "Nakamura", "Ortiz",
    "Petrov", "Reyes", "Schmidt", "Varga", "Walsh", "Young", "Zhou", "Hale",
)

TITLE_WORDS = (
    "love", "night", "fire", "rain", "heart", "dance", "home", "summer", "road", "dream",
    "light", "shadow", "city", "ocean", "gold", "blue", "forever", "tonight", "alone",
    "run", "fall", "rise", "sky", "stars", "wild", "slow", "sweet", "cold", "young",
    "lonely", "midnight", "paradise", "storm", "river", "echo", "desire", "memory",
    "electric", "velvet", "wave", "morning", "angel", "ghost", "highway", "mirror",
    "sugar", "silence", "thunder", "window", "garden", "letter", "promise", "moon",
    "sun", "glass", "smoke", "honey", "diamond", "burn", "falling", "waiting", "again",
)


def artist_names(rng, count):
    """``count`` unique band or person names; collisions get a roman-style suffix."""
    kinds = rng.random(count)
    a, b = rng.integers(0, 32, size=(2, count))
    seen = {}
    names = []
    for kind, i, j in zip(kinds, a, b):
        if kind < 0.5:
            name = f"The {ADJECTIVES[i]} {NOUNS[j]}"
        elif kind < 0.8:
            name = f"{FIRST_NAMES[i]} {LAST_NAMES[j]}"
        else:
            name = f"{ADJECTIVES[i]} {NOUNS[j]}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return names


def track_titles(rng, count):
    """``count`` short song titles of one to four words (titles may repeat, as in life)."""
    lengths = rng.choice([1, 2, 2, 3, 3, 4], size=count)
    words = rng.integers(0, len(TITLE_WORDS), size=(count, 4))
    return [
        " ".join(dict.fromkeys(TITLE_WORDS[w] for w in row[:n])).title()  # no word twice
        for row, n in zip(words.tolist(), lengths.tolist())
    ]
