"""Reference data for the demo program: places, languages, interests, training modules.

Everything here is fictional or generic. The hospitals and peer organisations are invented
names in real Ontario cities (the paper's program ran in nine Ontario hospitals). Postal areas
use real-looking FSA codes for those cities, but their centroids are synthetic: a point a few
kilometres from the city centre, good enough for "how far apart" in matching, not for maps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HospitalRef:
    code: str
    name: str
    city: str
    lat: float
    lon: float
    # (ward name, "acute" | "tertiary")
    wards: tuple[tuple[str, str], ...]
    fsas: tuple[str, ...]
    area_code: str
    peer_orgs: tuple[str, ...]  # codes of the peer organisations serving the site


@dataclass(frozen=True)
class PeerOrgRef:
    code: str
    name: str
    city: str


PEER_ORGANISATIONS: tuple[PeerOrgRef, ...] = (
    PeerOrgRef("thames-peers", "Thames Valley Peer Network", "London"),
    PeerOrgRef("lakeshore-peers", "Lakeshore Peer Collective", "Toronto"),
    PeerOrgRef("rideau-peers", "Rideau Peer Support Centre", "Ottawa"),
    PeerOrgRef("escarpment-peers", "Escarpment Mutual Aid", "Hamilton"),
    PeerOrgRef("northern-lights", "Northern Lights Peer Support", "Thunder Bay"),
    PeerOrgRef("durham-york-peers", "Durham–York Peer Alliance", "Oshawa"),
    PeerOrgRef("great-lakes-peers", "Great Lakes Peer Connections", "Kingston"),
)

# The first hospital is the scenarios' Riverside Hospital (SCENARIOS.md).
HOSPITALS: tuple[HospitalRef, ...] = (
    HospitalRef("riverside", "Riverside Hospital", "London", 42.984, -81.246,
                (("Acute Psychiatry 4 East", "acute"), ("Forks Tertiary Unit", "tertiary")),
                ("N6A", "N6B", "N6C", "N5Y", "N5X", "N5V", "N6E", "N6G", "N6H"), "519",
                ("thames-peers",)),
    HospitalRef("lakeshore", "Lakeshore General Hospital", "Toronto", 43.651, -79.383,
                (("Acute Mental Health 7B", "acute"), ("Acute Mental Health 7C", "acute"),
                 ("Harbour Tertiary Program", "tertiary")),
                ("M5V", "M4C", "M6H", "M5A", "M4L", "M6K", "M4M"), "416",
                ("lakeshore-peers",)),
    HospitalRef("rideau-valley", "Rideau Valley Hospital", "Ottawa", 45.421, -75.697,
                (("Inpatient Psychiatry 5 West", "acute"),),
                ("K1P", "K1N", "K1S", "K2P", "K1Y", "K1H", "K1K"), "613",
                ("rideau-peers",)),
    HospitalRef("escarpment", "Escarpment Health Centre", "Hamilton", 43.256, -79.869,
                (("Acute Psychiatry West 3", "acute"), ("Mountain Tertiary Unit", "tertiary")),
                ("L8P", "L8L", "L8M", "L8N", "L9A", "L8S"), "905",
                ("escarpment-peers",)),
    HospitalRef("superior-north", "Superior North Hospital", "Thunder Bay", 48.380, -89.247,
                (("Mental Health Unit 1North", "acute"), ("Lakehead Tertiary Unit", "tertiary")),
                ("P7A", "P7B", "P7C", "P7E", "P7J"), "807",
                ("northern-lights",)),
    HospitalRef("durham-lakeside", "Durham Lakeside Hospital", "Oshawa", 43.897, -78.865,
                (("Acute Psychiatry B2", "acute"),),
                ("L1G", "L1H", "L1J", "L1K", "L1L"), "905",
                ("durham-york-peers",)),
    HospitalRef("oak-ridges", "Oak Ridges Hospital", "Richmond Hill", 43.882, -79.440,
                (("Inpatient Mental Health 3", "acute"),),
                ("L4C", "L4B", "L4E", "L4S"), "289",
                ("durham-york-peers", "lakeshore-peers")),
    HospitalRef("limestone", "Limestone Regional Hospital", "Kingston", 44.231, -76.486,
                (("Acute Psychiatry Connell 2", "acute"), ("Cataraqui Tertiary Unit", "tertiary")),
                ("K7L", "K7K", "K7M", "K7P"), "613",
                ("great-lakes-peers",)),
    HospitalRef("nickel-basin", "Nickel Basin Health Sciences", "Sudbury", 46.490, -80.990,
                (("Acute Mental Health 4B", "acute"), ("Ramsey Lake Tertiary Unit", "tertiary")),
                ("P3A", "P3B", "P3C", "P3E", "P3N"), "705",
                ("great-lakes-peers", "northern-lights")),
)

# (code, name): the languages clients ask for and supporters speak.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"), ("fr", "French"), ("pa", "Punjabi"), ("zh", "Mandarin"),
    ("ar", "Arabic"), ("es", "Spanish"), ("pt", "Portuguese"), ("oj", "Ojibwe"),
    ("ta", "Tamil"), ("so", "Somali"), ("ur", "Urdu"), ("tl", "Tagalog"),
)

INTERESTS: tuple[tuple[str, str], ...] = (
    ("fishing", "Fishing"), ("old-movies", "Old movies"), ("tennis", "Tennis"), ("art", "Art"),
    ("music", "Music"), ("cooking", "Cooking"), ("walking", "Walking"), ("gaming", "Gaming"),
    ("gardening", "Gardening"), ("reading", "Reading"), ("sports", "Sports"),
    ("faith-community", "Faith community"), ("crafts", "Crafts"), ("photography", "Photography"),
    ("cycling", "Cycling"), ("pets", "Pets"), ("coffee-chats", "Coffee and conversation"),
    ("volunteering", "Volunteering"),
)


@dataclass(frozen=True)
class TrainingRef:
    code: str
    name: str
    level: int
    valid_for_days: int | None


TRAINING_MODULES: tuple[TrainingRef, ...] = (
    TrainingRef("opdi-core-1", "OPDI Core Essentials level 1", 1, None),
    TrainingRef("opdi-core-1r", "OPDI Core Essentials level 1R (refresher)", 2, 730),
    TrainingRef("opdi-core-2", "OPDI Core Essentials level 2", 3, None),
    TrainingRef("site-orientation", "Site orientation (ward routines, on-ward groups)", 0, None),
    TrainingRef("safety", "Safety training (home visits, de-escalation, own triggers)", 0, 730),
)
# Sites that require training before a supporter may be matched there.
REQUIRED_TRAINING: dict[str, tuple[str, ...]] = {
    "riverside": ("opdi-core-1", "safety"),
    "lakeshore": ("opdi-core-1", "safety"),
    "escarpment": ("opdi-core-1",),
    "limestone": ("opdi-core-1", "safety"),
}


def fsa_centroids() -> dict[str, tuple[float, float]]:
    """Synthetic centroid per FSA: spread on a spiral 1.5-10 km around the hospital's city centre.

    Deterministic (no randomness): the k-th FSA of a city sits at angle k*137.5 degrees (the
    golden angle) so neighbours are spread out; the distance grows with k.
    """
    import math

    centroids: dict[str, tuple[float, float]] = {}
    for hospital in HOSPITALS:
        for index, fsa in enumerate(hospital.fsas):
            if fsa in centroids:
                continue
            angle = math.radians(index * 137.5)
            km = 1.5 + 1.0 * index
            dlat = km * math.cos(angle) / 111.0
            dlon = km * math.sin(angle) / (111.0 * math.cos(math.radians(hospital.lat)))
            centroids[fsa] = (round(hospital.lat + dlat, 4), round(hospital.lon + dlon, 4))
    return centroids


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lat, lon) points."""
    import math

    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# Synthetic names, grouped with a language the person may speak, so a French speaker
# usually has a French name. (given names women, given names men, family names, language)
NAME_GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str], ...] = (
    (("Emily", "Sarah", "Jessica", "Ashley", "Megan", "Laura", "Rachel", "Heather", "Karen",
      "Linda", "Susan", "Hannah", "Olivia", "Chloe", "Grace", "Brenda", "Donna", "Tracy",
      "Nicole", "Amanda", "Jennifer", "Lisa", "Kelly", "Erin"),
     ("Michael", "Matthew", "Ryan", "Tyler", "Kevin", "Brian", "Jason", "Mark", "Paul", "Scott",
      "Steven", "Jeffrey", "Gary", "Dennis", "Ethan", "Noah", "Liam", "Connor", "Dylan",
      "Gordon", "Wayne", "Trevor", "Craig", "Derek"),
     ("Smith", "Brown", "Wilson", "MacDonald", "Taylor", "Campbell", "Anderson", "Thompson",
      "Clarke", "Robinson", "Stewart", "Murray", "Fraser", "Morrison", "Graham", "Reid",
      "Hughes", "Walker", "Young", "Kennedy", "Ferguson", "Sinclair", "Mitchell", "Hayes",
      "Bennett", "Coleman", "Doyle", "Fletcher", "Harper", "Keller"),
     "en"),
    (("Chantal", "Sylvie", "Isabelle", "Mélanie", "Geneviève", "Josée", "Camille", "Émilie",
      "Nathalie", "Manon", "Véronique", "Julie"),
     ("Luc", "Martin", "Sébastien", "Mathieu", "Guillaume", "Étienne", "Yves", "Denis",
      "François", "Olivier", "Marc-André", "Réjean"),
     ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
      "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc"),
     "fr"),
    (("Harpreet", "Simran", "Jaspreet", "Navneet", "Amandeep", "Gurleen"),
     ("Gurpreet", "Harjit", "Manpreet", "Rajinder", "Sukhdeep", "Baljit"),
     ("Singh", "Kaur", "Gill", "Sandhu", "Dhillon", "Grewal", "Sidhu"), "pa"),
    (("Mei", "Li Na", "Xiu", "Yan", "Jing", "Hui"),
     ("Wei", "Jun", "Hao", "Lei", "Ming", "Tao"),
     ("Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhou"), "zh"),
    (("Fatima", "Layla", "Mariam", "Nour", "Rania", "Salma"),
     ("Omar", "Youssef", "Karim", "Ahmed", "Samir", "Tariq"),
     ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Aziz"), "ar"),
    (("María", "Lucía", "Carmen", "Paola", "Daniela"),
     ("Carlos", "Javier", "Andrés", "Diego", "Luis"),
     ("García", "Rodríguez", "Martínez", "López", "Hernández", "Morales"), "es"),
    (("Ana", "Beatriz", "Inês", "Joana"),
     ("João", "Tiago", "Rui", "Pedro"),
     ("Silva", "Santos", "Ferreira", "Costa", "Pereira"), "pt"),
    (("Nokomis", "Waseyabin", "Aiyana", "Migizi"),
     ("Nodin", "Makwa", "Ogimaa", "Binesi"),
     ("Beardy", "Meekis", "Kakegamic", "Fiddler", "Moonias"), "oj"),
    (("Priyanka", "Kavitha", "Lakshmi", "Tharani"),
     ("Arun", "Suresh", "Prakash", "Vinoth"),
     ("Sivakumar", "Rajaratnam", "Thevarajah", "Kanagasabai"), "ta"),
    (("Amina", "Hodan", "Faduma", "Sahra"),
     ("Abdi", "Hassan", "Mohamed", "Yusuf"),
     ("Warsame", "Farah", "Jama", "Osman", "Ali"), "so"),
)
# How often each group is drawn (roughly an Ontario city; English names most often).
NAME_GROUP_WEIGHTS: tuple[int, ...] = (62, 12, 5, 5, 4, 3, 2, 2, 3, 2)
NEUTRAL_NAMES: tuple[str, ...] = ("Alex", "Sam", "Jordan", "Taylor", "Casey", "Robin", "Jamie",
                                  "Riley", "Quinn", "Avery")
STREETS: tuple[str, ...] = ("Maple", "Oak", "Elm", "Pine", "Cedar", "Birch", "Willow", "Spruce",
                            "Queen", "King", "Victoria", "Wellington", "Church", "Main", "Park",
                            "Lakeview", "Hillcrest", "Riverside", "Orchard", "Mill")
STREET_KINDS: tuple[str, ...] = ("Street", "Avenue", "Road", "Crescent", "Drive", "Lane")
