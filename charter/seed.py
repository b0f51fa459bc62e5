"""The first charter of forbidden items, after the Paris Prefecture of Police pilot.

The pilot's charter forbids sharp objects, weapons and bulky goods such as washing
machines; dangerous and illegal goods are added because a police station cannot
receive them either, and vehicles are sent to the parking bays. Texts and reasons are
data shown to the public in French and English.

Terms are matched by charter.validator (accents, hyphens, apostrophes, plurals and
feminines are taken care of), so each term is written once, in the singular.
Exceptions that contain a term cancel it where the whole phrase is written; other
exceptions (jouet, toy, DVD) cancel a term written next to them. Rules are checked in
this order; the most severe verdict wins. tests/charter/corpus.jsonl measures them on
real listings (docs/benchmarks.md).
"""

from django.db import transaction
from django.utils import timezone

from .models import CharterVerdict, CharterVersion, Rule, RuleCategory


def words(text: str) -> list[str]:
    """Comma- or line-separated words and phrases, stripped."""
    return [item.strip() for line in text.splitlines() for item in line.split(",") if item.strip()]


SUMMARY_FR = (
    "Pas d'armes, pas d'objets tranchants, pas d'objets encombrants (lave-linge, réfrigérateur, "
    "canapé…), pas de produits dangereux (feux d'artifice, bouteilles de gaz) ni de produits "
    "illégaux (drogues, contrefaçons). Les véhicules se vendent sur une place de stationnement."
)
SUMMARY_EN = (
    "No weapons, no blades or sharp objects, no bulky goods (washing machines, fridges, sofas…), "
    "no dangerous goods (fireworks, gas cylinders) and no illegal goods (drugs, counterfeits). "
    "Vehicles are sold on a parking bay."
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
pistolet d'arrosage) et les jouets (pistolet à eau, Nerf) sont acceptés.

2. Objets tranchants. Couteaux, machettes, sabres, épées, haches, poignards, cutters, baïonnettes, \
tronçonneuses. Les couverts de table comme les couteaux à beurre sont acceptés.

3. Objets encombrants. Ce qui ne passe pas la porte d'une salle ou ne se porte pas à deux mains : \
gros électroménager (lave-linge, sèche-linge, lave-vaisselle, réfrigérateur, congélateur), armoires, \
canapés, matelas, pianos.

4. Produits dangereux. Feux d'artifice et pétards, fusées de détresse, fumigènes, bouteilles et \
cartouches de gaz, carburants, produits chimiques, explosifs.

5. Produits illégaux. Drogues et stupéfiants, médicaments, contrefaçons, ivoire et tout objet dont \
la vente est interdite par la loi.

6. Objets examinés par un policier. Certains objets peuvent être réservés mais sont signalés au \
commissariat, qui peut les refuser sur place : arcs, outils coupants (scies, sécateurs, ciseaux), \
meubles de taille moyenne, aérosols, extincteurs, batteries au plomb, produits au CBD, répliques.

7. Véhicules. Voitures, motos, scooters, utilitaires, remorques et caravanes sont les bienvenus, \
sur une place de stationnement réservée, jamais dans une salle ; la plaque d'immatriculation est demandée.

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
without being one (glue gun, paint spray gun, garden hose gun) and toys (water pistols, Nerf) are accepted.

2. Blades and sharp objects. Knives, machetes, sabres, swords, axes, daggers, box cutters, bayonets, \
chainsaws. Table cutlery such as butter knives is accepted.

3. Bulky goods. Anything that does not fit through the door of a room or cannot be carried with two \
hands: large appliances (washing machines, tumble dryers, dishwashers, fridges, freezers), wardrobes, \
sofas, mattresses, pianos.

4. Dangerous goods. Fireworks and firecrackers, distress flares, smoke bombs, gas cylinders and \
canisters, fuel, chemicals, explosives.

5. Illegal goods. Drugs and narcotics, medicines, counterfeit goods, ivory and anything whose sale \
is forbidden by law.

6. Items an officer looks at. Some items can be booked but are flagged to the station, which may \
refuse them on the spot: bows, cutting tools (saws, shears, scissors), mid-sized furniture, aerosols, \
fire extinguishers, lead-acid batteries, CBD products, replicas.

7. Vehicles. Cars, motorbikes, scooters, vans, trailers and caravans are welcome, on a reserved \
parking bay, never in a room; the plate number is asked for.

Every listing is checked when the buyer books and again when the seller accepts. Buyer and seller \
both accept this charter; the version they accepted is kept with the appointment. The officer present \
may refuse the exchange of an item that breaks the charter, even if the automatic check did not \
catch it.
"""

RULES = [
    # ------------------------------------------------------------------ forbidden
    {
        "category": RuleCategory.WEAPON,
        "verdict": CharterVerdict.FORBIDDEN,
        "terms": words(
            """
            arme, arme à feu, arme blanche, arme de poing, pistolet, revolver, fusil, carabine, munition,
            cartouche de chasse, cartouche calibre, arbalète, matraque, tonfa, poing américain,
            bombe lacrymogène, gaz lacrymogène, bombe au poivre,
            spray au poivre, bombe anti-agression, taser, shocker, airsoft, softair, nunchaku, flash-ball,
            lanceur de balles, lance-pierre, sarbacane, kalachnikov, glock, gun, handgun, pistol, rifle,
            shotgun, firearm, ammunition, ammo, crossbow, brass knuckles, knuckle duster, pepper spray,
            stun gun, weapon, slingshot, nunchuck, expandable baton, telescopic baton, police baton
            """
        ),
        "exceptions": words(
            """
            pistolet à colle, pistolet à peinture, pistolet à silicone, pistolet à mastic,
            pistolet à calfeutrer, pistolet d'arrosage, pistolet à eau, pistolet de massage,
            pistolet thermique, pistolet à clous, pistolet agrafeuse, pistolet à agrafes,
            pistolet à bouchons, pistolet à bulles, pistolet de lavage, pistolet à souder, pistolet nerf,
            fusil à aiguiser, glue gun, paint gun, spray gun, caulking gun, staple gun, nail gun, heat gun,
            massage gun, water gun, water pistol, nerf gun, grease gun, soldering gun, tag gun, label gun,
            price gun, thermometer gun, temperature gun, bubble gun, tattoo gun, radar gun, cap gun,
            l'arme fatale, lethal weapon, top gun, guns n' roses, young guns, jouet, toy, nerf, playmobil,
            lego, figurine, déguisement, costume, peluche, DVD, Blu-ray, VHS, film, movie, poster, affiche,
            livre, book, manga, holster
            """
        ),
        "reason_fr": (
            "Les armes, leurs munitions et leurs répliques ne peuvent pas entrer au commissariat pour une vente "
            "entre particuliers."
        ),
        "reason_en": "Weapons, ammunition and replicas cannot be brought into the police station for a private sale.",
    },
    {
        "category": RuleCategory.BLADE,
        "verdict": CharterVerdict.FORBIDDEN,
        "terms": words(
            """
            couteau, canif, opinel, laguiole, machette, sabre, épée, hache, hachette, poignard, dague,
            baïonnette, cutter, katana, coupe-chou, tronçonneuse, shuriken, étoile de lancer, serpe,
            cran d'arrêt, knife, pocket knife, machete, sword, longsword, broadsword, saber, axe, hatchet,
            dagger, bayonet, box cutter, straight razor, cut throat razor, chainsaw, switchblade, balisong,
            karambit, cleaver, throwing star, hachoir de boucher, feuille de boucher
            """
        ),
        "exceptions": words(
            """
            couteau à beurre, couteau à fromage, couteau à pizza, couteau de table, butter knife,
            cheese knife, pizza cutter, cookie cutter, brush cutter, hedge cutter, couverts, tire-bouchon,
            cutlery, porte-couteau,
            aiguiseur de couteau, aiguise-couteau, affûteur de couteau, étui pour couteau, bloc couteau,
            sans couteau, knife block, knife sharpener, knife strip, knife rack, without knife,
            hache-légumes, hache-oignon, hache-viande, hache-herbes, sabre laser, épée en mousse,
            light saber, épée d'escrime, sabre d'escrime, fencing sabre, fencing sword, knives out,
            à couteaux tirés, sword art online, axe body, axe deodorant, jouet,
            toy, playmobil, lego, figurine, mousse, foam, plastique, plastic, déguisement, costume, DVD, Blu-ray,
            poster, affiche, livre, book, manga
            """
        ),
        "reason_fr": "Les couteaux, lames et objets tranchants ne peuvent pas entrer au commissariat.",
        "reason_en": "Knives, blades and sharp objects cannot be brought into the police station.",
    },
    {
        "category": RuleCategory.BULKY,
        "verdict": CharterVerdict.FORBIDDEN,
        "terms": words(
            """
            lave-linge, machine à laver, sèche-linge, lave-vaisselle, réfrigérateur, frigo, frigidaire,
            congélateur, cuisinière, cave à vin, armoire, canapé, clic-clac, matelas, sommier,
            lit superposé, lit mezzanine, piano, baignoire, table de ping-pong, tapis de course, billard,
            baby-foot, poêle à bois, poêle à granulés, chaudière, salon de jardin, trampoline, vaisselier,
            washing machine, washer dryer, tumble dryer, dishwasher, fridge, refrigerator, freezer,
            range cooker, wardrobe, sofa, couch, mattress, bunk bed, bathtub, pool table, snooker table,
            ping pong table, treadmill, hot tub, jacuzzi, dining table, table à manger,
            table de salle à manger
            """
        ),
        "exceptions": words(
            """
            armoire à bijoux, armoire à pharmacie, armoire à clés, armoire à clefs, jewellery armoire,
            jewelry armoire, armoire de toilette, matelas à langer, matelas gonflable, matelas de bain,
            matelas de camping, matelas de sol, matelas de yoga, matelas autogonflant, protège-matelas,
            air mattress, mattress protector, mattress topper, sofa throw,
            baignoire bébé, baby bathtub, housse de canapé, coussin de canapé, sofa cover, couch cover,
            sofa cushion, couch cushion, tablette lave-vaisselle, pastille lave-vaisselle,
            sel lave-vaisselle, dishwasher tablet, dishwasher salt, aimant de frigo, magnet frigo,
            fridge magnet, tabouret de piano, banquette de piano, piano stool, piano bench,
            piano numérique, digital piano, mini frigo, mini réfrigérateur, mini fridge, jouet, toy,
            poupée, doll, barbie, playmobil, lego, miniature, dînette, cuisine enfant, pour chien,
            pour chat, for dogs, housse, plaid, coussin, lessive, adoucissant, détergent, detergent, joint,
            courroie, pièce détachée, spare part, partition, sheet music, livre, book, figurine
            """
        ),
        "reason_fr": (
            "Les objets encombrants (gros électroménager, grands meubles, literie) ne passent pas la porte "
            "d'une salle du commissariat."
        ),
        "reason_en": (
            "Bulky goods (large appliances, big furniture, beds and mattresses) do not fit through the door of "
            "a station room."
        ),
    },
    {
        "category": RuleCategory.DANGEROUS,
        "verdict": CharterVerdict.FORBIDDEN,
        "terms": words(
            """
            feu d'artifice, pétard, fusée de détresse, fumigène, bouteille de gaz, bonbonne de gaz,
            cartouche de gaz, butane, propane, jerrican, bidon d'essence, carburant, explosif,
            poudre noire, détonateur, produit chimique, acide chlorhydrique, acide sulfurique,
            soude caustique, chlore, firework, firecracker, distress flare, marine flare, smoke bomb,
            gas cylinder, gas bottle, gas canister, propane tank, petrol can, jerry can, gasoline,
            explosive, black powder, gunpowder, detonator, chlorine, hydrochloric acid, sulfuric acid,
            muriatic acid
            """
        ),
        "exceptions": words(
            """
            jouet, toy
            """
        ),
        "reason_fr": (
            "Les produits inflammables, explosifs, corrosifs ou sous pression (feux d'artifice, gaz, carburant, "
            "produits chimiques) sont interdits pour la sécurité de tous."
        ),
        "reason_en": (
            "Flammable, explosive, corrosive or pressurised goods (fireworks, gas, fuel, chemicals) are not "
            "allowed, for everyone's safety."
        ),
    },
    {
        "category": RuleCategory.ILLEGAL,
        "verdict": CharterVerdict.FORBIDDEN,
        "terms": words(
            """
            drogue, stupéfiant, cannabis, marijuana, haschich, cocaïne, ecstasy, mdma,
            champignon hallucinogène, médicament, xanax, tramadol, codéine, oxycodone, morphine,
            contrefaçon, faux billet, fausse monnaie, en ivoire, ivoire d'éléphant, défense d'éléphant,
            défense d'ivoire, viagra, cialis,
            glyphosate, narcotic, cocaine, heroin, ketamine, magic mushroom, prescription medicine,
            prescription drug, counterfeit, elephant ivory, ivory tusk, ivory carving, carved ivory
            """
        ),
        "exceptions": words(
            """
            boîte à médicaments, armoire à médicaments, pilulier
            """
        ),
        "reason_fr": (
            "La vente de ce produit entre particuliers est interdite par la loi (drogues, médicaments, "
            "contrefaçons, ivoire, pesticides interdits)."
        ),
        "reason_en": (
            "Selling this item between private individuals is against the law (drugs, medicines, counterfeits, "
            "ivory, banned pesticides)."
        ),
    },
    # ------------------------------------------------------------------ checked by an officer
    {
        "category": RuleCategory.WEAPON,
        "verdict": CharterVerdict.REVIEW,
        "terms": words(
            """
            arc à poulies, arc classique, arc recurve, arc de chasse, arc de tir, compound bow,
            recurve bow, longbow, hunting bow, archery bow, fleuret, épée d'escrime, sabre d'escrime,
            fencing foil, fencing sabre, fencing sword
            """
        ),
        "exceptions": words(
            """
            jouet, toy, enfant, kids
            """
        ),
        "reason_fr": (
            "Les arcs de sport ou de chasse sont examinés par un policier : vous pouvez réserver, et le "
            "commissariat peut refuser l'objet sur place."
        ),
        "reason_en": (
            "Sport and hunting bows are looked at by an officer: you can book, and the station may refuse the "
            "item on the spot."
        ),
    },
    {
        "category": RuleCategory.BLADE,
        "verdict": CharterVerdict.REVIEW,
        "terms": words(
            """
            ciseaux, sécateur, cisaille, scie, scie circulaire, scie sauteuse, débroussailleuse,
            taille-haie, outil multifonction, scissors, secateurs, pruning shears, hedge shears,
            circular saw, jigsaw, mitre saw, hedge trimmer, brush cutter, multitool
            """
        ),
        "exceptions": words(
            """
            jigsaw puzzle, puzzle, scie musicale, ciseaux à bouts ronds, jouet, toy
            """
        ),
        "reason_fr": (
            "Les outils coupants (ciseaux, scies, sécateurs, outils multifonctions) sont examinés par un policier : "
            "vous pouvez réserver, et le commissariat peut refuser l'objet sur place."
        ),
        "reason_en": (
            "Cutting tools (scissors, saws, shears, multitools) are looked at by an officer: you can book, and the "
            "station may refuse the item on the spot."
        ),
    },
    {
        "category": RuleCategory.BULKY,
        "verdict": CharterVerdict.REVIEW,
        "terms": words(
            """
            buffet, bahut, commode, vélo elliptique, vélo d'appartement, rameur, chest of drawers,
            sideboard, exercise bike, rowing machine, cross trainer
            """
        ),
        "exceptions": words(
            """
            jouet, toy, poupée, doll, miniature
            """
        ),
        "reason_fr": (
            "Ce meuble ou cet appareil peut être trop encombrant pour une salle : un policier examinera la réservation."
        ),
        "reason_en": "This furniture or machine may be too big for a room: an officer will look at the booking.",
    },
    {
        "category": RuleCategory.DANGEROUS,
        "verdict": CharterVerdict.REVIEW,
        "terms": words(
            """
            bombe de peinture, bombe aérosol, aérosol, extincteur, batterie de voiture, batterie au plomb,
            bouteille de plongée, spray paint, aerosol, fire extinguisher, car battery, lead acid battery,
            scuba tank
            """
        ),
        "exceptions": words(
            """
            jouet, toy
            """
        ),
        "reason_fr": (
            "Les produits sous pression ou corrosifs (aérosols, extincteurs, batteries au plomb) sont examinés "
            "par un policier avant l'échange."
        ),
        "reason_en": (
            "Pressurised or corrosive goods (aerosols, extinguishers, lead-acid batteries) are looked at by an "
            "officer before the exchange."
        ),
    },
    {
        "category": RuleCategory.ILLEGAL,
        "verdict": CharterVerdict.REVIEW,
        "terms": words(
            """
            CBD, réplique, copie, replica, fake
            """
        ),
        "exceptions": words(
            """
            copie double, copie d'écran, fake plant, fake flower, fake fur, fake leather, fake tan,
            fake lashes, fake nails, fake snow, fake grass, fake tree, tableau, painting,
            maquette, model
            """
        ),
        "reason_fr": (
            "Ce produit peut être une contrefaçon ou un produit réglementé : un policier l'examinera avant l'échange."
        ),
        "reason_en": (
            "This may be a counterfeit or a regulated product: an officer will look at it before the exchange."
        ),
    },
    # ------------------------------------------------------------------ vehicles: on a parking bay
    {
        "category": RuleCategory.VEHICLE,
        "verdict": CharterVerdict.ALLOWED,
        "terms": words(
            """
            voiture, véhicule, automobile, voiturette, voiture sans permis, moto, motocyclette, mobylette,
            cyclomoteur, solex, scooter, quad, camping-car, fourgon, fourgonnette, camionnette, camion,
            remorque, caravane, minibus, pick-up truck, side-car, car, vehicle, motorbike, motorcycle, moped,
            quad bike, atv, motorhome, campervan, camper van, van, pickup truck, truck, trailer, suv,
            hatchback, carte grise, contrôle technique, ct ok, tdi, hdi, bluehdi, dci, puretech, tce, tsi,
            crdi, 50cc, 125cc, 250cc, dacia, skoda, hyundai, tesla model, vauxhall, aixam, ligier,
            microcar, kymco, piaggio, vespa, kawasaki, ducati, harley-davidson, bonneville, 2cv, tmax,
            xmax, clio, twingo, mégane, scénic, kangoo, captur, sandero, yaris, corolla, aygo, qashqai,
            berlingo, xsara, saxo, corsa, astra, zafira, passat, tiguan, touran, ducato, peugeot 106,
            peugeot 107, peugeot 108, peugeot 205, peugeot 206, peugeot 207, peugeot 208, peugeot 306,
            peugeot 307, peugeot 308, peugeot 2008, peugeot 3008, peugeot 5008, peugeot partner,
            peugeot expert, peugeot boxer, peugeot 103, peugeot kisbee, citroën c1, citroën c2, citroën c3,
            citroën c4, citroën c5, citroën jumpy, renault trafic, renault master, renault zoé, fiat 500,
            fiat panda, fiat punto, ford fiesta, ford focus, ford kuga, ford transit, volkswagen golf,
            volkswagen polo, volkswagen transporter, vw golf, vw polo, vw transporter, honda civic,
            honda jazz, honda cb, honda pcx, ktm 125, ktm 250, ktm 390, ktm duke, triumph tiger,
            triumph street, nissan juke, nissan micra, toyota hilux, yamaha mt, bmw série, bmw serie,
            mercedes classe, audi a1, audi a3, audi a4, audi a5, audi a6, audi q3, audi q5, audi tt, bmw x1,
            bmw x3, bmw x5, 116d, 118d, 120d, 318d, 320d, 330d, 520d, 530d, cbr, cb500, cb650, honda hornet,
            suzuki sv, suzuki gsx, yamaha r1, yamaha r6
            """
        ),
        "exceptions": words(
            """
            voiture télécommandée, voiture radiocommandée, voiture miniature, voiture enfant,
            voiture électrique enfant, moto enfant, pneu voiture, pneu moto, batterie de voiture,
            casque moto, blouson moto, veste moto, gants moto, bottes moto, combinaison moto, antivol moto,
            housse moto, bâche moto, housse voiture, bâche voiture, tapis voiture, siège voiture,
            support voiture, chargeur voiture, remote control car, rc car, model car, toy car, toy truck,
            car seat, car charger, car phone, car holder, car mount, car stereo, car radio, car mat,
            car cover, car vacuum, car battery, car wash, motorcycle helmet, motorbike helmet,
            motorcycle jacket, motorbike jacket, motorcycle gloves, motorcycle boots, kick scooter,
            razor scooter, micro scooter, stunt scooter, electric scooter, e-scooter, vans, van gogh,
            van cleef, jouet, toy, miniature, maquette, majorette, norev, burago, hot wheels, matchbox,
            lego, playmobil, porteur, draisienne, ride on, flash mcqueen, puzzle, poster, affiche, livre,
            book, DVD, gps, allume-cigare, xiaomi, t-shirt, casquette
            """
        ),
        "reason_fr": (
            "Les véhicules se vendent sur une place de stationnement matérialisée devant le commissariat, jamais "
            "dans une salle : indiquez la plaque d'immatriculation."
        ),
        "reason_en": (
            "Vehicles are exchanged on a marked parking bay in front of the station, never in a room: give the "
            "plate number."
        ),
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
        # One by one, in order: the validator reads rules by id, first rule first.
        for rule in RULES:
            Rule.objects.create(
                version=version,
                category=rule["category"],
                verdict=rule["verdict"],
                terms="\n".join(rule["terms"]),
                exceptions="\n".join(rule["exceptions"]),
                reason_fr=rule["reason_fr"],
                reason_en=rule["reason_en"],
            )
    return version
