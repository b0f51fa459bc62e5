"""The first charter of forbidden items, after the Paris Prefecture of Police pilot.

The pilot's charter forbids sharp objects, weapons and bulky goods such as washing
machines; dangerous and illegal goods are added because a police station cannot
receive them either. Texts and reasons are data shown to the public in French and
English. Terms are matched by charter.validator: accents, hyphens and apostrophes are
ignored and every word may take an s, x or es ending, so each term is written in its
base (singular) form; irregular plurals ("knives") are listed on their own.
"""

from django.db import transaction
from django.utils import timezone

from .models import CharterVersion, Rule, RuleCategory

SUMMARY_FR = (
    "Pas d'armes, pas d'objets tranchants, pas d'objets encombrants (lave-linge, réfrigérateur, "
    "canapé…), pas de produits dangereux (feux d'artifice, bouteilles de gaz) ni de produits "
    "illégaux (drogues, contrefaçons)."
)
SUMMARY_EN = (
    "No weapons, no blades or sharp objects, no bulky goods (washing machines, fridges, sofas…), "
    "no dangerous goods (fireworks, gas cylinders) and no illegal goods (drugs, counterfeits)."
)

TEXT_FR = """\
Charte des objets interdits — version 1

Les ventes entre particuliers accueillies au commissariat se terminent dans une salle, en présence \
d'un policier, ou sur une place de stationnement matérialisée devant le bâtiment pour les véhicules. \
Pour la sécurité de tous et parce que le commissariat n'est ni un entrepôt ni un lieu de stockage, \
certains objets ne peuvent pas y être échangés.

1. Armes. Armes à feu, y compris de chasse ou de collection, armes à air comprimé et répliques, \
munitions, arbalètes, matraques, poings américains, bombes lacrymogènes et pistolets à impulsion \
électrique. Les outils qui portent un nom d'arme sans en être (pistolet à colle, pistolet à peinture, \
pistolet d'arrosage) sont acceptés.

2. Objets tranchants. Couteaux, machettes, sabres, épées, haches, poignards, cutters, baïonnettes, \
tronçonneuses. Les couverts de table comme les couteaux à beurre sont acceptés.

3. Objets encombrants. Ce qui ne passe pas la porte d'une salle ou ne se porte pas à deux mains : \
gros électroménager (lave-linge, sèche-linge, lave-vaisselle, réfrigérateur, congélateur), armoires, \
canapés, matelas, pianos. Les véhicules ne sont pas concernés : ils se vendent sur les places de \
stationnement réservées.

4. Produits dangereux. Feux d'artifice et pétards, fusées de détresse, fumigènes, bouteilles et \
cartouches de gaz, carburants, produits chimiques, explosifs.

5. Produits illégaux. Drogues et stupéfiants, médicaments, contrefaçons, ivoire et tout objet dont \
la vente est interdite par la loi.

Chaque annonce est vérifiée au moment de la réservation puis de l'acceptation par le vendeur. \
L'acheteur et le vendeur acceptent cette charte ; la version acceptée est conservée avec le \
rendez-vous. Le policier présent peut refuser l'échange d'un objet qui contrevient à la charte, \
même si la vérification automatique ne l'a pas détecté.
"""

TEXT_EN = """\
Charter of forbidden items — version 1

Private sales hosted by the police station end in a room, with an officer present, or on a marked \
parking bay in front of the building for vehicles. For everyone's safety, and because the station is \
not a warehouse, some items cannot be exchanged there.

1. Weapons. Firearms, including hunting and collectors' guns, air guns and replicas, ammunition, \
crossbows, batons, brass knuckles, pepper spray and stun guns. Tools that are named after a weapon \
without being one (glue gun, paint spray gun, garden hose gun) are accepted.

2. Blades and sharp objects. Knives, machetes, sabres, swords, axes, daggers, box cutters, bayonets, \
chainsaws. Table cutlery such as butter knives is accepted.

3. Bulky goods. Anything that does not fit through the door of a room or cannot be carried with two \
hands: large appliances (washing machines, tumble dryers, dishwashers, fridges, freezers), wardrobes, \
sofas, mattresses, pianos. Vehicles are not concerned: they are sold on the reserved parking bays.

4. Dangerous goods. Fireworks and firecrackers, distress flares, smoke bombs, gas cylinders and \
canisters, fuel, chemicals, explosives.

5. Illegal goods. Drugs and narcotics, medicines, counterfeit goods, ivory and anything whose sale \
is forbidden by law.

Every listing is checked when the buyer books and again when the seller accepts. Buyer and seller \
both accept this charter; the version they accepted is kept with the appointment. The officer present \
may refuse the exchange of an item that breaks the charter, even if the automatic check did not \
catch it.
"""

RULES = [
    {
        "category": RuleCategory.WEAPON,
        "terms": [
            "arme",
            "arme à feu",
            "arme blanche",
            "pistolet",
            "fusil",
            "carabine",
            "revolver",
            "munition",
            "arbalète",
            "matraque",
            "poing américain",
            "bombe lacrymogène",
            "taser",
            "airsoft",
            "nunchaku",
            "gun",
            "handgun",
            "pistol",
            "rifle",
            "shotgun",
            "firearm",
            "ammunition",
            "ammo",
            "crossbow",
            "brass knuckles",
            "knuckle duster",
            "pepper spray",
            "stun gun",
            "weapon",
        ],
        "exceptions": [
            "pistolet à colle",
            "pistolets à colle",
            "pistolet à peinture",
            "pistolet à silicone",
            "pistolet à mastic",
            "pistolet d'arrosage",
            "pistolet à eau",
            "fusil à aiguiser",
            "glue gun",
            "glue guns",
            "paint gun",
            "spray gun",
            "caulking gun",
            "staple gun",
            "heat gun",
            "water gun",
            "water pistol",
            "pistolet nerf",
            "nerf gun",
            "top gun",
            "guns n' roses",
        ],
        "reason_fr": "Les armes, leurs munitions et leurs répliques ne peuvent pas être échangées au commissariat.",
        "reason_en": "Weapons, ammunition and replicas cannot be exchanged at the police station.",
    },
    {
        "category": RuleCategory.BLADE,
        "terms": [
            "couteau",
            "machette",
            "sabre",
            "épée",
            "hache",
            "hachette",
            "poignard",
            "dague",
            "baïonnette",
            "cutter",
            "katana",
            "coupe-chou",
            "tronçonneuse",
            "knife",
            "knives",
            "machete",
            "sword",
            "saber",
            "wood axe",
            "splitting axe",
            "felling axe",
            "hatchet",
            "dagger",
            "bayonet",
            "straight razor",
            "chainsaw",
        ],
        "exceptions": [
            "couteau à beurre",
            "couteaux à beurre",
            "sabre laser",
            "light saber",
            "cookie cutter",
            "butter knife",
            "butter knives",
        ],
        "reason_fr": "Les couteaux, lames et objets tranchants ne peuvent pas entrer au commissariat.",
        "reason_en": "Knives, blades and sharp objects cannot be brought into the police station.",
    },
    {
        "category": RuleCategory.BULKY,
        "terms": [
            "lave-linge",
            "machine à laver",
            "sèche-linge",
            "lave-vaisselle",
            "réfrigérateur",
            "frigo",
            "frigidaire",
            "congélateur",
            "armoire",
            "canapé",
            "clic-clac",
            "matelas",
            "sommier",
            "piano",
            "baignoire",
            "washing machine",
            "tumble dryer",
            "dishwasher",
            "fridge",
            "refrigerator",
            "freezer",
            "wardrobe",
            "sofa",
            "couch",
            "mattress",
            "bathtub",
        ],
        "exceptions": [
            "armoire à bijoux",
            "armoire à pharmacie",
            "armoire à clés",
            "jewellery armoire",
            "jewelry armoire",
            "matelas à langer",
            "matelas gonflable",
            "air mattress",
            "baignoire bébé",
            "baignoire pour bébé",
            "baby bathtub",
            "piano jouet",
            "toy piano",
            "lave-linge jouet",
            "machine à laver jouet",
            "toy washing machine",
            "magnet frigo",
            "aimant frigo",
            "aimant de frigo",
            "fridge magnet",
        ],
        "reason_fr": (
            "Les objets encombrants (gros électroménager, meubles volumineux) ne passent pas la porte "
            "d'une salle du commissariat."
        ),
        "reason_en": "Bulky goods (large appliances, big furniture) do not fit through the door of a station room.",
    },
    {
        "category": RuleCategory.DANGEROUS,
        "terms": [
            "feu d'artifice",
            "pétard",
            "fusée de détresse",
            "fumigène",
            "bouteille de gaz",
            "bonbonne de gaz",
            "cartouche de gaz",
            "butane",
            "propane",
            "jerrican d'essence",
            "bidon d'essence",
            "explosif",
            "produit chimique",
            "firework",
            "firecracker",
            "distress flare",
            "smoke bomb",
            "gas cylinder",
            "gas bottle",
            "gas canister",
            "propane tank",
            "petrol can",
            "explosive",
        ],
        "exceptions": [],
        "reason_fr": (
            "Les produits inflammables, explosifs ou sous pression (feux d'artifice, gaz, carburant) sont "
            "interdits pour la sécurité de tous."
        ),
        "reason_en": (
            "Flammable, explosive or pressurised goods (fireworks, gas, fuel) are not allowed, for everyone's safety."
        ),
    },
    {
        "category": RuleCategory.ILLEGAL,
        "terms": [
            "drogue",
            "stupéfiant",
            "cannabis",
            "marijuana",
            "cocaïne",
            "ecstasy",
            "médicament",
            "contrefaçon",
            "en ivoire",
            "ivoire d'éléphant",
            "drug",
            "narcotic",
            "prescription medicine",
            "counterfeit",
            "elephant ivory",
            "ivory tusk",
        ],
        "exceptions": ["boîte à médicaments"],
        "reason_fr": "La vente de ce produit entre particuliers est interdite par la loi.",
        "reason_en": "Selling this item between private individuals is against the law.",
    },
]


@transaction.atomic
def charter_seed_first_version() -> CharterVersion:
    """Version 1 of the charter with its rules; an existing version 1 is returned untouched.

    A published version never changes (its compiled rules are cached per process),
    so later wording belongs in a new version made in the admin.
    """
    version, created = CharterVersion.objects.get_or_create(
        number=1,
        defaults={
            "summary_fr": SUMMARY_FR,
            "summary_en": SUMMARY_EN,
            "text_fr": TEXT_FR,
            "text_en": TEXT_EN,
            "published_at": timezone.now(),
        },
    )
    if created:
        Rule.objects.bulk_create(
            Rule(
                version=version,
                category=rule["category"],
                terms="\n".join(rule["terms"]),
                exceptions="\n".join(rule["exceptions"]),
                reason_fr=rule["reason_fr"],
                reason_en=rule["reason_en"],
            )
            for rule in RULES
        )
    return version
