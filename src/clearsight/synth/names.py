"""Made-up names and identifiers: small lists of common English names, synthetic NHS numbers and UPNs.

No real person's data is used. NHS numbers are drawn from the 999 range reserved for testing, with a
valid modulus-11 check digit; UPNs have the DfE check letter but a made-up LA and school number.

Must not import anything from clearsight.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

GIRLS = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Sophia",
    "Grace",
    "Freya",
    "Florence",
    "Willow",
    "Evie",
    "Ella",
    "Poppy",
    "Sienna",
    "Daisy",
    "Emily",
    "Elsie",
    "Harper",
    "Phoebe",
    "Ruby",
    "Alice",
    "Emilia",
    "Sophie",
    "Evelyn",
    "Matilda",
    "Rosie",
    "Chloe",
    "Jessica",
    "Layla",
    "Lucy",
    "Maya",
    "Millie",
    "Erin",
    "Holly",
    "Amber",
    "Zara",
    "Aisha",
    "Hannah",
    "Megan",
    "Leah",
    "Eleanor",
    "Charlotte",
    "Imogen",
    "Scarlett",
    "Molly",
]
BOYS = [
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "Finley",
    "Arlo",
    "Luca",
    "Tommy",
    "Lucas",
    "Isaac",
    "Teddy",
    "Edward",
    "Joshua",
    "James",
    "William",
    "Max",
    "Reggie",
    "Ethan",
    "Samuel",
    "Daniel",
    "Mason",
    "Logan",
    "Adam",
    "Dylan",
    "Riley",
    "Ryan",
    "Callum",
    "Kai",
    "Louie",
    "Jayden",
    "Harrison",
    "Ibrahim",
    "Elijah",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Chapman",
    "Mason",
    "Webb",
    "Rogers",
    "Gray",
    "Ali",
    "Hussain",
    "Ahmed",
    "Mills",
    "Owen",
    "Holmes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Graham",
    "Pearson",
    "Fletcher",
    "Walsh",
    "Kaur",
    "Gibson",
    "Howard",
    "Andrews",
    "Stewart",
    "Elliott",
]

_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def forenames(rng: np.random.Generator, female: np.ndarray) -> pa.Array:
    """A first name for each person, from the list for their sex."""
    girls = pa.array(GIRLS).take(pa.array(rng.integers(0, len(GIRLS), female.size)))
    boys = pa.array(BOYS).take(pa.array(rng.integers(0, len(BOYS), female.size)))
    return pa.array(np.where(female, np.asarray(girls), np.asarray(boys)), type=pa.string())


def surnames(rng: np.random.Generator, count: int) -> pa.Array:
    """A surname for each of `count` people."""
    return pa.array(SURNAMES).take(pa.array(rng.integers(0, len(SURNAMES), count)))


def full_names(rng: np.random.Generator, count: int) -> list[str]:
    """`count` names of staff, "Forename Surname"."""
    first = np.concatenate([GIRLS, BOYS])[rng.integers(0, len(GIRLS) + len(BOYS), count)]
    last = np.asarray(SURNAMES)[rng.integers(0, len(SURNAMES), count)]
    return [f"{f} {s}" for f, s in zip(first, last, strict=True)]


def nhs_numbers(rng: np.random.Generator, count: int) -> pa.Array:
    """Distinct test-range NHS numbers (999 prefix) with a valid modulus-11 check digit."""
    body = 999_000_000 + rng.choice(1_000_000, size=min(count * 2, 1_000_000), replace=False)
    digits = (body[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = 11 - (digits * np.arange(10, 1, -1)).sum(axis=1) % 11
    check = np.where(check == 11, 0, check)
    valid = body[check != 10][:count] * 10 + check[check != 10][:count]
    if valid.size < count:
        raise ValueError(f"cannot make {count} distinct synthetic NHS numbers")
    return pa.array([str(v) for v in valid], type=pa.string())


def upns(rng: np.random.Generator, count: int) -> pa.Array:
    """Unique pupil numbers: DfE check letter, then a made-up LA (9xx), school and serial."""
    tail = rng.integers(0, 10, (count, 12))
    tail[:, 0] = 9
    weights = np.arange(2, 14)
    letters = np.asarray(list(_UPN_LETTERS))[(tail * weights).sum(axis=1) % 23]
    return pa.array(
        [f"{c}{''.join(map(str, t))}" for c, t in zip(letters, tail, strict=True)], type=pa.string()
    )
