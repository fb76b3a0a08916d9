"""French names for the reference data every program starts with (decision 0025).

Languages, interests and codebook themes are rows an administrator or evaluator can edit, so
their French lives in a `name_fr` column beside `name`, not in the message catalogue. These
tables fill that column for the rows Bridgeway seeds (the demo, the data migrations): by ISO
code for languages, by slug for interests. A row added later gets its French in the admin.
"""

from __future__ import annotations

from django.utils import translation

LANGUAGES: dict[str, str] = {
    "en": "anglais", "fr": "français", "pa": "pendjabi", "zh": "mandarin", "ar": "arabe",
    "es": "espagnol", "pt": "portugais", "oj": "ojibwé", "ta": "tamoul", "so": "somali",
    "ur": "ourdou", "tl": "tagalog", "it": "italien", "de": "allemand", "pl": "polonais",
    "ru": "russe", "uk": "ukrainien", "vi": "vietnamien", "ko": "coréen", "fa": "persan",
    "hi": "hindi", "bn": "bengali", "gu": "gujarati", "el": "grec", "cr": "cri",
    "iu": "inuktitut", "asl": "langue des signes américaine", "lsq": "langue des signes québécoise",
    "yue": "cantonais", "ti": "tigrigna", "am": "amharique", "ht": "créole haïtien",
}

INTERESTS: dict[str, str] = {
    "fishing": "Pêche", "old-movies": "Vieux films", "tennis": "Tennis", "art": "Art",
    "music": "Musique", "cooking": "Cuisine", "walking": "Marche", "gaming": "Jeux vidéo",
    "gardening": "Jardinage", "reading": "Lecture", "sports": "Sports",
    "faith-community": "Communauté de foi", "crafts": "Artisanat", "photography": "Photographie",
    "cycling": "Vélo", "pets": "Animaux de compagnie", "coffee-chats": "Café et jasette",
    "volunteering": "Bénévolat",
}


def in_language(name: str, name_fr: str) -> str:
    """The French name when French is active and one is recorded, else the name."""
    if name_fr and (translation.get_language() or "").startswith("fr"):
        return name_fr
    return name
