"""Static content of the demo data set (see `avrentals.domain.services.demo.seed_demo`).

Everything here is plain data: names, quantities, prices (EUR, as strings for Decimal) and
dates as day offsets from "today". Rows are identified by natural keys (usernames, category
names, asset codes, client / event / quote / service / fee names), which the seeder uses to
insert only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from avrentals.domain.enums import (
    DiscountType,
    NotificationType,
    Priority,
    QuoteStatus,
    UnitStatus,
)


@dataclass(frozen=True)
class CompanySpec:
    company_name: str
    tagline: str
    email: str
    phone: str
    address: str
    website: str
    tax_id: str
    currency: str
    default_tax_rate: str
    quote_terms: str


COMPANY = CompanySpec(
    company_name="Lisbon Stage & Sound",
    tagline="Audio, video, lighting and staging rental since 2009",
    email="hello@lisbonstagesound.pt",
    phone="+351 218 004 410",
    address="Rua do Açúcar 88, Armazém 4, 1950-010 Lisboa, Portugal",
    website="https://lisbonstagesound.pt",
    tax_id="PT516204339",
    currency="EUR",
    default_tax_rate="0.23",
    quote_terms=(
        "Prices in EUR, VAT at the legal rate. Quote valid for 30 days. A 30 % deposit "
        "confirms the booking; the balance is due 7 days before the event. Equipment is "
        "insured by the client from collection until return. Cancellation within 7 days of "
        "the event is charged at 50 %."
    ),
)


@dataclass(frozen=True)
class UserProfile:
    email: str
    job_title: str
    phone: str
    is_team_member: bool = True


# Profiles of the demo users (usernames and roles live in services.demo.DEMO_USERS).
USER_PROFILES: dict[str, UserProfile] = {
    "admin": UserProfile(
        "helena.marques@lisbonstagesound.pt", "Operations Director", "+351 912 410 001"
    ),
    "manager": UserProfile(
        "ricardo.antunes@lisbonstagesound.pt", "Rental Manager", "+351 912 410 002"
    ),
    "tech": UserProfile(
        "tiago.carvalho@lisbonstagesound.pt", "Senior Technician", "+351 912 410 003"
    ),
    "employee": UserProfile(
        "ines.rodrigues@lisbonstagesound.pt", "Sales Coordinator", "+351 912 410 004"
    ),
    "viewer": UserProfile(
        "pedro.almeida@lisbonstagesound.pt", "Accountant", "+351 912 410 005", False
    ),
}


@dataclass(frozen=True)
class CategorySpec:
    name: str
    icon: str
    subcategories: tuple[str, ...]


# fmt: off
CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("Audio", "speaker",
                 ("Microphones", "Wireless Systems", "Loudspeakers", "Mixing & Processing")),
    CategorySpec("Video", "monitor",
                 ("Projectors & Screens", "LED & Displays", "Cameras", "Switching & Processing")),
    CategorySpec("Lighting", "lightbulb", ("Moving Heads", "LED Fixtures", "Control", "Effects")),
    CategorySpec("Power", "zap", ("Distribution", "Extensions", "Generators & UPS")),
    CategorySpec("Rigging", "link", ("Truss", "Hoists", "Hardware")),
    CategorySpec("Staging", "layers", ("Stage Decks", "Stairs & Legs", "Drapes")),
    CategorySpec("Cables", "cable",
                 ("Audio Cables", "Video & Data Cables", "Control & Power Links")),
    CategorySpec("Accessories", "package", ("Stands & Support", "Communication", "Consumables")),
)
# fmt: on


_PREFIX_CATEGORY = {
    "AUD": "Audio",
    "VID": "Video",
    "LGT": "Lighting",
    "PWR": "Power",
    "RIG": "Rigging",
    "STG": "Staging",
    "CAB": "Cables",
    "ACC": "Accessories",
}


@dataclass(frozen=True)
class ItemSpec:
    asset_code: str
    name: str
    category: str
    subcategory: str
    quantity: int
    daily_rate: str
    location: str
    description: str
    damaged: int = 0
    maintenance: int = 0
    consumable: bool = False
    low_stock: int = 0


def _item(
    code: str,
    name: str,
    sub: str,
    qty: int,
    rate: str,
    loc: str,
    desc: str,
    *,
    damaged: int = 0,
    maintenance: int = 0,
    consumable: bool = False,
    low_stock: int = 0,
) -> ItemSpec:
    """An item row; the category follows from the asset-code prefix."""
    return ItemSpec(
        code,
        name,
        _PREFIX_CATEGORY[code[:3]],
        sub,
        qty,
        rate,
        loc,
        desc,
        damaged=damaged,
        maintenance=maintenance,
        consumable=consumable,
        low_stock=low_stock,
    )


_MIC, _WL, _LS, _MIX = "Microphones", "Wireless Systems", "Loudspeakers", "Mixing & Processing"
_PROJ, _LED, _CAM = "Projectors & Screens", "LED & Displays", "Cameras"
_SW = "Switching & Processing"
_MH, _FIX, _CTL, _FX = "Moving Heads", "LED Fixtures", "Control", "Effects"

# fmt: off
ITEMS: tuple[ItemSpec, ...] = (
    # Audio
    _item("AUD-0001", "Shure SM58 Dynamic Microphone", _MIC, 40, "6.00", "Aisle A · Shelf 1",
          "Cardioid vocal microphone, the stage standard. Supplied with clip and pouch."),
    _item("AUD-0002", "Shure Beta 58A Supercardioid Microphone", _MIC, 20, "8.00",
          "Aisle A · Shelf 1",
          "Supercardioid dynamic vocal microphone with high output for loud stages."),
    _item("AUD-0003", "Sennheiser e604 Drum Microphone", _MIC, 12, "7.00", "Aisle A · Shelf 2",
          "Compact dynamic microphone for toms and snare, with rim clamp."),
    _item("AUD-0004", "Neumann KM 184 Condenser Microphone", _MIC, 8, "18.00", "Aisle A · Shelf 2",
          "Small-diaphragm cardioid condenser for overheads, strings and choirs (48 V)."),
    _item("AUD-0005", "DPA 4088 Headset Microphone", _MIC, 10, "22.00", "Aisle A · Shelf 2",
          "Directional miniature headset for presenters and theatre, MicroDot adapters."),
    _item("AUD-0006", "Shure ULXD24/B58 Wireless Handheld System", _WL, 16, "45.00",
          "Aisle A · Shelf 3",
          "Digital wireless handheld with Beta 58A capsule, ULXD4 receiver, rechargeable battery.",
          damaged=1),
    _item("AUD-0007", "Sennheiser EW 100 G4 Bodypack System", _WL, 12, "35.00", "Aisle A · Shelf 3",
          "Bodypack transmitter and rack receiver with ME2 lavalier microphone."),
    _item("AUD-0008", "Shure PSM 1000 In-Ear Monitor System", _WL, 8, "60.00", "Aisle A · Shelf 4",
          "Dual-channel in-ear monitor transmitter with P10R+ bodypack and SE215 earphones."),
    _item("AUD-0009", "d&b audiotechnik E8 Loudspeaker", _LS, 16, "55.00", "Aisle B · Bay 1",
          "2-way passive loudspeaker for speech and music in small rooms. Needs D80/D20."),
    _item("AUD-0010", "d&b audiotechnik V8 Line Array Module", _LS, 24, "95.00", "Aisle B · Bay 2",
          "3-way passive line array module, 80° horizontal. Flown with the V rigging frame.",
          maintenance=2),
    _item("AUD-0011", "d&b audiotechnik V-SUB Subwoofer", _LS, 8, "110.00", "Aisle B · Bay 3",
          "Cardioid 2 x 12\" subwoofer for the V-Series, flown or ground stacked."),
    _item("AUD-0012", "d&b audiotechnik D80 Amplifier", _LS, 8, "90.00", "Aisle B · Bay 4",
          "4-channel DSP amplifier in a 3U touring rack with network card."),
    _item("AUD-0013", "L-Acoustics X12 Coaxial Monitor", _LS, 12, "65.00", "Aisle B · Bay 5",
          "Coaxial 12\" stage monitor, also used as a compact front fill."),
    _item("AUD-0014", "QSC K12.2 Active Loudspeaker", _LS, 20, "38.00", "Aisle B · Bay 6",
          "2000 W active 12\" loudspeaker for speeches, DJ sets and small parties."),
    _item("AUD-0015", "Yamaha CL5 Digital Mixer", _MIX, 2, "350.00", "Aisle C · Bay 1",
          "72 mono + 8 stereo inputs, Dante, in a flight case with dog-house."),
    _item("AUD-0016", "Yamaha QL1 Digital Mixer", _MIX, 3, "190.00", "Aisle C · Bay 1",
          "Compact 32-channel Dante console for conferences and corporate shows."),
    _item("AUD-0017", "Allen & Heath SQ-6 Digital Mixer", _MIX, 3, "150.00", "Aisle C · Bay 2",
          "48-channel 96 kHz mixer with 24 local inputs; supplied with a DX168 expander."),
    _item("AUD-0018", "Yamaha Rio3224-D2 Stage Box", _MIX, 4, "120.00", "Aisle C · Bay 2",
          "32 in / 24 out Dante stage box with redundant power supply."),
    _item("AUD-0019", "Radial J48 Active DI Box", _MIX, 20, "5.00", "Aisle A · Shelf 4",
          "Phantom-powered active DI for keyboards, laptops and bass."),
    # Video
    _item("VID-0001", "Panasonic PT-RZ120 Projector", _PROJ, 4, "180.00", "Aisle D · Bay 1",
          "12 000 lm WUXGA laser projector, supplied with standard zoom lens and flight case."),
    _item("VID-0002", "Epson EB-PU2220B Laser Projector", _PROJ, 3, "260.00", "Aisle D · Bay 1",
          "20 000 lm WUXGA 3LCD laser projector, lens shift, edge blending."),
    _item("VID-0003", "Barco UDX-4K32 Projector", _PROJ, 2, "650.00", "Aisle D · Bay 2",
          "31 000 lm 4K UHD laser projector for large-format projection and mapping.",
          maintenance=1),
    _item("VID-0004", "Da-Lite Fast-Fold Screen 4 x 3 m", _PROJ, 6, "60.00", "Aisle D · Bay 3",
          "Front / rear projection surfaces with aluminium frame, legs and black drape kit."),
    _item("VID-0005", "ROE Visual Black Pearl BP2V2 LED Panel 0.5 x 0.5 m", _LED, 96, "28.00",
          "Aisle E · Bay 1",
          "2.84 mm indoor LED panel, 1500 nit. Priced per panel; flown or ground-stacked frames.",
          damaged=3),
    _item("VID-0006", "Samsung QM75C 75\" 4K Display", _LED, 8, "85.00", "Aisle E · Bay 2",
          "75\" UHD professional display with floor stand or wall bracket."),
    _item("VID-0007", "Sony PXW-Z190 4K Camcorder", _CAM, 4, "140.00", "Aisle E · Shelf 3",
          "1/3\" 3-CMOS 4K camcorder with 25x zoom, 3G-SDI out; tripod sold separately."),
    _item("VID-0008", "Blackmagic URSA Broadcast G2 Camera", _CAM, 2, "220.00", "Aisle E · Shelf 3",
          "6K broadcast camera with B4 mount, fibre/SDI, viewfinder and studio kit."),
    _item("VID-0009", "Blackmagic ATEM Television Studio 4K8 Switcher", _SW, 2, "150.00",
          "Aisle E · Shelf 4",
          "8-input 12G-SDI live production switcher with panel and multiview."),
    _item("VID-0010", "Barco E2 Gen 2 Screen Management System", _SW, 1, "480.00",
          "Aisle E · Shelf 4",
          "Presentation switcher for LED walls and blended projection, EC-210 controller."),
    _item("VID-0011", "Decimator MD-HX Cross Converter", _SW, 10, "12.00", "Aisle E · Shelf 5",
          "HDMI / SDI cross converter with scaler."),
    # Lighting
    _item("LGT-0001", "Robe MegaPointe Moving Head", _MH, 16, "85.00", "Aisle F · Bay 1",
          "Beam / spot / wash hybrid, 470 W lamp, in 2-way flight cases."),
    _item("LGT-0002", "Robe Spiider LED Wash", _MH, 12, "70.00", "Aisle F · Bay 2",
          "RGBW LED wash with flower effect and 4-44° zoom."),
    _item("LGT-0003", "Martin MAC Aura XB Wash", _MH, 12, "60.00", "Aisle F · Bay 2",
          "Compact LED wash with aura backlight; ideal for corporate stages.",
          maintenance=1),
    _item("LGT-0004", "Clay Paky Sharpy Beam", _MH, 8, "55.00", "Aisle F · Bay 3",
          "Classic 189 W beam moving head.", damaged=1),
    _item("LGT-0005", "ETC Source Four LED Series 3 Lustr", _FIX, 20, "35.00", "Aisle F · Shelf 4",
          "LED ellipsoidal profile, 26° lens tube, with shutters and gobo holder."),
    _item("LGT-0006", "Chauvet Professional COLORado 1 Solo PAR", _FIX, 32, "18.00",
          "Aisle F · Shelf 5",
          "RGBW IP65 LED PAR for outdoor uplighting; battery-free, powerCON TRUE1."),
    _item("LGT-0007", "Astera AX1 Pixel Tube Kit (8 tubes)", _FIX, 4, "120.00", "Aisle F · Shelf 6",
          "Eight wireless battery pixel tubes with charging case and ART7 transmitter."),
    _item("LGT-0008", "grandMA3 light Console", _CTL, 2, "320.00", "Aisle G · Bay 1",
          "MA Lighting grandMA3 light with flight case, desk lights and UPS."),
    _item("LGT-0009", "ChamSys MagicQ MQ80 Console", _CTL, 2, "140.00", "Aisle G · Bay 1",
          "Compact lighting console, 12 universes, for touring and corporate shows."),
    _item("LGT-0010", "Luminex LumiNode 4 DMX Node", _CTL, 6, "25.00", "Aisle G · Shelf 2",
          "4-port Art-Net / sACN to DMX gateway."),
    _item("LGT-0011", "MDG theONE Hazer", _FX, 4, "65.00", "Aisle G · Shelf 3",
          "Oil-based atmospheric generator with fan; fluid charged separately."),
    _item("LGT-0012", "Look Solutions Unique 2.1 Hazer", _FX, 4, "45.00", "Aisle G · Shelf 3",
          "Water-based hazer for theatres and smaller venues."),
    # Power
    _item("PWR-0001", "63A 3-Phase Power Distro", "Distribution", 6, "55.00", "Aisle H · Bay 1",
          "CEE 63A input, 3 x 32A and 12 x 16A Schuko outputs, RCDs and metering."),
    _item("PWR-0002", "32A 3-Phase Power Distro", "Distribution", 8, "35.00", "Aisle H · Bay 1",
          "CEE 32A input, 6 x 16A Schuko outputs with RCBOs."),
    _item("PWR-0003", "16A Schuko Extension 10 m", "Extensions", 60, "3.00", "Aisle H · Shelf 2",
          "H07RN-F 3G2.5 rubber extension cable."),
    _item("PWR-0004", "16A Schuko Power Strip 6-Way", "Extensions", 50, "2.50", "Aisle H · Shelf 2",
          "Six-way rubber power strip with 1.5 m lead."),
    _item("PWR-0005", "CEE 32A 5-Pin Extension 25 m", "Extensions", 20, "8.00", "Aisle H · Shelf 3",
          "H07RN-F 5G6 three-phase extension."),
    _item("PWR-0006", "APC Smart-UPS 1500 VA", "Generators & UPS", 6, "25.00", "Aisle H · Shelf 3",
          "Rack UPS for consoles and show computers."),
    _item("PWR-0007", "Atlas Copco QAS 60 Generator 60 kVA", "Generators & UPS", 1, "320.00",
          "Yard · Bay 1",
          "Silenced diesel generator on trailer; fuel charged at cost."),
    # Rigging
    _item("RIG-0001", "Prolyte H30V Truss 2 m", "Truss", 40, "12.00", "Yard · Rack 1",
          "Square 30 cm aluminium truss section with conical couplers."),
    _item("RIG-0002", "Prolyte H30V Truss 3 m", "Truss", 30, "15.00", "Yard · Rack 1",
          "Square 30 cm aluminium truss section with conical couplers."),
    _item("RIG-0003", "Prolyte H30V Corner Box", "Truss", 12, "10.00", "Yard · Rack 2",
          "Six-way universal corner block for H30V."),
    _item("RIG-0004", "Prolyte H30V Base Plate 80 x 80 cm", "Truss", 16, "8.00", "Yard · Rack 2",
          "Steel base plate for ground-supported towers."),
    _item("RIG-0005", "CM Lodestar 1 t Chain Hoist", "Hoists", 8, "75.00", "Yard · Rack 3",
          "D8+ electric chain hoist, 18 m chain, with bag and control cable.", maintenance=1),
    _item("RIG-0006", "Doughty Trigger Clamp", "Hardware", 100, "1.00", "Aisle I · Shelf 1",
          "Clamp for 48-51 mm tube, SWL 100 kg."),
    _item("RIG-0007", "Steel Wire Safety Cable 60 cm", "Hardware", 120, "0.50", "Aisle I · Shelf 1",
          "Safety bond with carabiner, tested, SWL 15 kg."),
    _item("RIG-0008", "Round Sling 1 m (2 t)", "Hardware", 40, "2.00", "Aisle I · Shelf 2",
          "Polyester round sling for truss and hoists."),
    # Staging
    _item("STG-0001", "Nivtec Stage Deck 2 x 1 m", "Stage Decks", 48, "22.00", "Yard · Rack 4",
          "Aluminium stage platform with anti-slip top, 750 kg/m²."),
    _item("STG-0002", "Nivtec Telescopic Leg 60-100 cm", "Stairs & Legs", 120, "1.50",
          "Yard · Rack 4", "Adjustable stage leg for Nivtec decks."),
    _item("STG-0003", "Stage Stairs 3 Steps with Handrail", "Stairs & Legs", 6, "15.00",
          "Yard · Rack 5", "Adjustable stair unit for 40-100 cm stage heights."),
    _item("STG-0004", "Black Stage Skirt 2 m", "Drapes", 30, "6.00", "Aisle J · Shelf 1",
          "Flame-retardant molton skirt with Velcro strip."),
    _item("STG-0005", "Black Molton Drape 6 x 4 m", "Drapes", 20, "18.00", "Aisle J · Shelf 2",
          "B1 flame-retardant molton, 300 g/m², ties on top."),
    _item("STG-0006", "Pipe & Drape Upright 3 m", "Drapes", 24, "4.00", "Aisle J · Shelf 3",
          "Telescopic upright with base plate and cross-bar."),
    # Cables
    _item("CAB-0001", "XLR Microphone Cable 10 m", "Audio Cables", 150, "1.50", "Aisle K · Bin 1",
          "Neutrik XLR3, Sommer SC-Club cable."),
    _item("CAB-0002", "XLR Microphone Cable 5 m", "Audio Cables", 100, "1.20", "Aisle K · Bin 2",
          "Neutrik XLR3, Sommer SC-Club cable."),
    _item("CAB-0003", "Speakon NL4 Cable 15 m", "Audio Cables", 60, "2.50", "Aisle K · Bin 3",
          "4 x 2.5 mm² loudspeaker cable."),
    _item("CAB-0004", "HDMI 2.0 Cable 10 m", "Video & Data Cables", 30, "4.00", "Aisle K · Bin 4",
          "Active HDMI 2.0 cable, 4K60.", damaged=2),
    _item("CAB-0005", "SDI 12G Cable 50 m on Drum", "Video & Data Cables", 10, "12.00",
          "Aisle K · Bin 5", "Belden 4794R 12G-SDI on cable drum."),
    _item("CAB-0006", "CAT6a etherCON Cable 30 m", "Video & Data Cables", 30, "4.00",
          "Aisle K · Bin 6", "Shielded tactical CAT6a with etherCON ends (Dante, Art-Net)."),
    _item("CAB-0007", "DMX 5-Pin Cable 10 m", "Control & Power Links", 80, "1.50",
          "Aisle K · Bin 7",
          "110 Ω DMX cable with Neutrik XLR5."),
    _item("CAB-0008", "powerCON TRUE1 Link Cable 3 m", "Control & Power Links", 80, "1.50",
          "Aisle K · Bin 8", "Power link cable for LED fixtures."),
    # Accessories
    _item("ACC-0001", "K&M 210/9 Microphone Boom Stand", "Stands & Support", 60, "2.00",
          "Aisle L · Rack 1", "Black tripod boom stand."),
    _item("ACC-0002", "K&M 21460 Speaker Stand", "Stands & Support", 20, "5.00", "Aisle L · Rack 1",
          "Heavy-duty speaker stand, up to 50 kg."),
    _item("ACC-0003", "Manfrotto 504X Video Tripod", "Stands & Support", 6, "15.00",
          "Aisle L · Rack 2", "Fluid head tripod with spreader for camcorders up to 12 kg."),
    _item("ACC-0004", "Gaffer Tape Black 50 mm x 50 m", "Consumables", 120, "0.00",
          "Aisle M · Shelf 1", "Matt black cloth tape. Sold per roll; not returned.",
          consumable=True, low_stock=30),
    _item("ACC-0005", "Duracell Procell AA Battery", "Consumables", 400, "0.00",
          "Aisle M · Shelf 2",
          "Alkaline AA for wireless microphones and in-ears. Single use.",
          consumable=True, low_stock=100),
    _item("ACC-0006", "Cable Ties 300 mm (pack of 100)", "Consumables", 60, "0.00",
          "Aisle M · Shelf 3", "Black UV-resistant nylon cable ties.",
          consumable=True, low_stock=15),
    _item("ACC-0007", "Spike Tape 19 mm Assorted Colours", "Consumables", 80, "0.00",
          "Aisle M · Shelf 3", "Vinyl marking tape for stage marks.",
          consumable=True, low_stock=20),
    _item("ACC-0008", "Duracell Procell 9V Battery", "Consumables", 15, "0.00", "Aisle M · Shelf 2",
          "Alkaline 9V for DI boxes and bodypacks. Stock below threshold: reorder.",
          consumable=True, low_stock=20),
    _item("ACC-0009", "Clear-Com FreeSpeak II Wireless Beltpack", "Communication", 12, "30.00",
          "Aisle L · Shelf 3", "1.9 GHz wireless intercom beltpack with headset."),
    _item("ACC-0010", "Motorola DP4400e Two-Way Radio", "Communication", 24, "8.00",
          "Aisle L · Shelf 3", "Digital radio with earpiece and spare battery."),
)
# fmt: on


@dataclass(frozen=True)
class ClientSpec:
    name: str
    contact_person: str
    email: str
    phone: str
    address: str
    tax_id: str
    notes: str


# fmt: off
CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec("Atlântico Events, Lda", "Marta Ferreira", "marta.ferreira@atlanticoevents.pt",
               "+351 213 456 780", "Rua Castilho 39, 1250-068 Lisboa", "PT514203118",
               "Corporate events agency; long-standing client. "
               "Invoices to accounts@atlanticoevents.pt."),
    ClientSpec("Banco Horizonte, S.A.", "Duarte Pacheco", "eventos@bancohorizonte.pt",
               "+351 210 330 100", "Avenida da Liberdade 190, 1250-147 Lisboa", "PT500811204",
               "Purchase order required before every job. Security check-in at the loading bay."),
    ClientSpec("Vinhos do Douro Wine Society", "Catarina Lopes", "catarina@vinhosdodouro.pt",
               "+351 254 320 145", "Quinta do Vale Escuro, 5050-225 Peso da Régua", "PT509876543",
               "Outdoor events on the estate: always bring the generator and IP-rated fixtures."),
    ClientSpec("Algarve Weddings & Celebrations", "Sophie Keller", "sophie@algarveweddings.com",
               "+351 289 104 220", "Rua 25 de Abril 12, 8400-374 Lagoa", "PT515667890",
               "Wedding planner; many international couples. Quiet load-in before 10:00."),
    ClientSpec("Porto Live Productions", "Nuno Teixeira", "nuno@portolive.pt",
               "+351 222 087 600", "Rua de Miguel Bombarda 221, 4050-381 Porto", "PT513998021",
               "Concert promoter in the north. Prefers d&b and Yamaha."),
    ClientSpec("Lumen Brand Experience S.L.", "Javier Ortega", "javier.ortega@lumen-bx.es",
               "+34 910 555 274", "Calle de Alcalá 210, 28028 Madrid, Spain", "ESB87654321",
               "Spanish brand-activation agency; EU VAT reverse charge applies."),
    ClientSpec("Hotel Miradouro Lisboa", "Rita Nogueira", "events@miradourolisboa.pt",
               "+351 218 870 300", "Rua de São Pedro de Alcântara 45, 1250-237 Lisboa",
               "PT508112233", "Rooftop and ballroom events. Goods lift max. 1 000 kg."),
    ClientSpec("Instituto Lusófono de Artes", "Prof. João Ventura", "producao@ila.pt",
               "+351 217 515 500", "Campo Grande 376, 1749-024 Lisboa", "PT501507930",
               "Education discount 10 % agreed for academic events."),
    ClientSpec("TechWave Summit Organisers B.V.", "Femke de Vries", "femke@techwave-summit.eu",
               "+31 20 808 1234", "Keizersgracht 452, 1016 GD Amsterdam, Netherlands",
               "NL862345671B01", "Annual summit in Lisbon; production manager on site all days."),
    ClientSpec("Cascais Congress Centre", "Miguel Sarmento", "tecnica@cascaiscongress.pt",
               "+351 214 860 900", "Avenida Marginal 7, 2750-642 Cascais", "PT507445210",
               "Venue with in-house rigging points; our rigging only with their approval."),
    ClientSpec("Festival Maré Alta", "Beatriz Campos", "producao@marealta.pt",
               "+351 269 630 050", "Largo do Mar 3, 7520-210 Sines", "PT516330782",
               "Summer festival on the beach. Sand and salt: clean everything on return."),
    ClientSpec("Sintra Film Commission", "André Figueiredo", "andre@sintrafilm.pt",
               "+351 219 238 500", "Rua Alfredo Costa 8, 2710-524 Sintra", "PT516001447",
               "Screenings and location shoots; occasional LED wall requests."),
)
# fmt: on


@dataclass(frozen=True)
class EventSpec:
    name: str
    client: str
    location: str
    start_offset: int  # days from today
    days: int
    prep_days: int
    return_days: int
    assigned: str  # a demo username
    notes: str
    lines: tuple[tuple[str, int], ...]  # (asset code, quantity wanted)


# fmt: off
EVENTS: tuple[EventSpec, ...] = (
    # --- past (completed) ---
    EventSpec("Banco Horizonte Annual Kick-off", "Banco Horizonte, S.A.",
              "Lisbon Congress Centre, Auditorium 1", -45, 1, 1, 1, "manager",
              "Keynote plus panel; 8 handhelds for Q&A.",
              (("AUD-0015", 1), ("AUD-0006", 8), ("AUD-0009", 8), ("VID-0001", 2),
               ("VID-0004", 2), ("LGT-0005", 12), ("CAB-0001", 24), ("ACC-0005", 32))),
    EventSpec("Douro Wine Harvest Gala", "Vinhos do Douro Wine Society",
              "Quinta do Vale Escuro, Peso da Régua", -38, 2, 1, 1, "tech",
              "Outdoor dinner for 300 with a string quartet; uplighting on the vineyard terraces.",
              (("AUD-0014", 8), ("AUD-0017", 1), ("AUD-0007", 4), ("LGT-0006", 24),
               ("LGT-0007", 2), ("PWR-0002", 2), ("ACC-0004", 4))),
    EventSpec("Lisbon Fintech Meetup", "Atlântico Events, Lda", "LX Factory, Lisbon",
              -30, 1, 0, 0, "employee", "Four screens for the pitch stage.",
              (("AUD-0001", 4), ("AUD-0014", 2), ("AUD-0016", 1), ("VID-0006", 4),
               ("CAB-0004", 6))),
    EventSpec("Wedding — Sousa & Keller", "Algarve Weddings & Celebrations",
              "Quinta da Lagoa, Lagoa, Algarve", -24, 1, 1, 1, "tech",
              "Ceremony in the garden, dinner and dance floor under the pergola.",
              (("AUD-0014", 4), ("AUD-0002", 2), ("AUD-0017", 1), ("LGT-0006", 16),
               ("LGT-0011", 1), ("STG-0001", 8), ("STG-0002", 32))),
    EventSpec("Porto Jazz Nights", "Porto Live Productions", "Sala Ribeira, Porto",
              -20, 3, 1, 1, "tech", "Three nights, two bands each; house PA, our monitors.",
              (("AUD-0003", 8), ("AUD-0004", 6), ("AUD-0013", 6), ("AUD-0015", 1),
               ("AUD-0018", 2), ("LGT-0002", 8), ("LGT-0009", 1), ("CAB-0001", 40))),
    EventSpec("Lumen Product Launch — Madrid", "Lumen Brand Experience S.L.",
              "Espacio Lumen, Calle de Alcalá 210, Madrid", -14, 2, 2, 2, "manager",
              "LED wall 6 x 3 m, flown truss; two travel days each way.",
              (("VID-0005", 48), ("VID-0010", 1), ("VID-0009", 1), ("VID-0007", 2),
               ("LGT-0001", 8), ("LGT-0008", 1), ("RIG-0001", 16), ("RIG-0005", 4))),
    EventSpec("Rooftop Sessions", "Hotel Miradouro Lisboa", "Hotel Miradouro Rooftop, Lisbon",
              -7, 1, 0, 0, "employee", "Acoustic sunset set; small PA.",
              (("AUD-0014", 2), ("AUD-0016", 1), ("AUD-0001", 3), ("LGT-0006", 8),
               ("PWR-0003", 6))),
    EventSpec("ILA Graduation Ceremony", "Instituto Lusófono de Artes",
              "Grande Auditório ILA, Lisbon", -4, 1, 1, 1, "tech",
              "Live stream of the ceremony; two cameras.",
              (("AUD-0005", 4), ("AUD-0006", 4), ("AUD-0009", 4), ("VID-0002", 2),
               ("VID-0004", 2), ("VID-0007", 2))),
    # --- ongoing ---
    EventSpec("TechWave Lisbon Summit", "TechWave Summit Organisers B.V.",
              "Pavilhão Tejo, Parque das Nações, Lisbon", -1, 3, 2, 1, "manager",
              "Main stage with LED wall and V8 hang; production office in room 2.",
              (("VID-0005", 40), ("VID-0010", 1), ("VID-0001", 2), ("AUD-0006", 6),
               ("AUD-0010", 8), ("AUD-0015", 1), ("LGT-0001", 8), ("RIG-0002", 12))),
    EventSpec("European Cardiology Forum", "Cascais Congress Centre",
              "Cascais Congress Centre, Hall A", 0, 3, 1, 1, "tech",
              "Plenary plus two breakout rooms; radios for the floor managers.",
              (("AUD-0005", 6), ("AUD-0006", 6), ("VID-0002", 1), ("VID-0004", 3),
               ("VID-0006", 4), ("CAB-0004", 10), ("ACC-0010", 8), ("ACC-0005", 24))),
    EventSpec("Maré Alta Festival — Main Stage", "Festival Maré Alta",
              "Praia Vasco da Gama, Sines", -2, 4, 3, 1, "tech",
              "Main stage PA and lights; generator backup. Some lines are limited by the "
              "TechWave summit running at the same time.",
              (("AUD-0010", 16), ("AUD-0011", 8), ("AUD-0012", 6), ("AUD-0015", 1),
               ("LGT-0001", 10), ("LGT-0004", 6), ("PWR-0007", 1), ("PWR-0001", 3))),
    # --- upcoming ---
    EventSpec("Atlântico Corporate Awards Night", "Atlântico Events, Lda",
              "Salão Nobre, Hotel Miradouro Lisboa", 3, 1, 1, 1, "employee",
              "Gala dinner and awards; stage 6 x 4 m at 60 cm.",
              (("AUD-0016", 1), ("AUD-0006", 3), ("AUD-0009", 6), ("LGT-0002", 8),
               ("LGT-0008", 1), ("VID-0006", 2), ("STG-0001", 12), ("STG-0002", 48))),
    EventSpec("Rock in the Ribeira", "Porto Live Productions",
              "Cais da Ribeira open-air stage, Porto", 6, 2, 2, 1, "tech",
              "Two-day open-air concert; 12 V8 per side is the rider request.",
              (("AUD-0010", 12), ("AUD-0011", 6), ("AUD-0012", 4), ("AUD-0015", 1),
               ("AUD-0008", 6), ("LGT-0001", 12), ("LGT-0011", 2), ("RIG-0005", 6))),
    EventSpec("Lumen Brand Roadshow — Lisbon", "Lumen Brand Experience S.L.",
              "Praça do Comércio pop-up, Lisbon", 10, 1, 1, 0, "employee",
              "Outdoor pop-up; power from the city board.",
              (("VID-0005", 32), ("VID-0009", 1), ("AUD-0014", 4), ("PWR-0002", 2),
               ("RIG-0001", 12))),
    EventSpec("Banco Horizonte Shareholders Meeting", "Banco Horizonte, S.A.",
              "Banco Horizonte HQ, Avenida da Liberdade, Lisbon", 14, 1, 0, 0, "manager",
              "Recorded for the archive; lectern plus six table microphones.",
              (("AUD-0001", 6), ("AUD-0016", 1), ("AUD-0009", 4), ("VID-0001", 1),
               ("VID-0004", 1), ("VID-0007", 2))),
    EventSpec("Douro Valley Wine & Music Weekend", "Vinhos do Douro Wine Society",
              "Quinta do Vale Escuro, Peso da Régua", 20, 3, 2, 1, "tech",
              "Three days of tastings and small concerts; generator on site.",
              (("AUD-0013", 4), ("AUD-0014", 8), ("AUD-0017", 1), ("AUD-0007", 6),
               ("LGT-0006", 24), ("LGT-0007", 3), ("PWR-0007", 1), ("STG-0001", 16))),
    EventSpec("ILA Theatre Season Opening", "Instituto Lusófono de Artes",
              "Grande Auditório ILA, Lisbon", 28, 1, 1, 0, "employee",
              "Premiere of the student production; extra profiles and washes.",
              (("LGT-0005", 16), ("LGT-0003", 8), ("LGT-0008", 1), ("AUD-0005", 6),
               ("AUD-0004", 4))),
    EventSpec("Wedding — Matos & Duarte", "Algarve Weddings & Celebrations",
              "Herdade do Sol, Comporta", 35, 1, 1, 1, "tech",
              "Beach ceremony, dinner in the barn.",
              (("AUD-0014", 4), ("AUD-0002", 2), ("LGT-0006", 16), ("LGT-0012", 1),
               ("PWR-0003", 10), ("ACC-0004", 3))),
)
# fmt: on


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    description: str
    unit_price: str
    unit: str
    category: str


# fmt: off
SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("Sound Engineer", "FOH or monitor engineer, up to 10 h on site.",
                "380.00", "day", "Crew"),
    ServiceSpec("Lighting Technician", "Lighting operator / technician, up to 10 h.",
                "320.00", "day", "Crew"),
    ServiceSpec("Video Operator", "Camera, switcher or playback operator, up to 10 h.",
                "340.00", "day", "Crew"),
    ServiceSpec("LED Wall Technician", "Build, calibration and standby of LED walls.",
                "300.00", "day", "Crew"),
    ServiceSpec("Setup Crew (per technician)", "Load-in, build and load-out, up to 10 h.",
                "180.00", "day", "Crew"),
    ServiceSpec("Stage Manager", "Show calling and crew coordination.",
                "350.00", "day", "Crew"),
    ServiceSpec("Lighting Programming", "Pre-programming and on-site programming of the show.",
                "420.00", "day", "Programming"),
    ServiceSpec("Transport — 3.5 t Van with Driver", "Van day within 150 km of Lisbon, fuel "
                "included.", "220.00", "day", "Transport"),
    ServiceSpec("Transport per km (7.5 t truck)", "Long-distance truck transport, charged per "
                "km driven.", "1.35", "km", "Transport"),
)
# fmt: on


@dataclass(frozen=True)
class FeeSpec:
    name: str
    description: str
    amount: str
    fee_type: DiscountType
    category: str
    is_required: bool = False


# fmt: off
FEES: tuple[FeeSpec, ...] = (
    FeeSpec("Insurance 3 %", "Equipment damage and loss insurance, on the discounted sub-total.",
            "3.00", DiscountType.PERCENTAGE, "Insurance", True),
    FeeSpec("Delivery & Collection (Greater Lisbon)", "Delivery and collection by our van.",
            "120.00", DiscountType.FIXED, "Logistics"),
    FeeSpec("Weekend / Holiday Surcharge 15 %", "For events on weekends and public holidays.",
            "15.00", DiscountType.PERCENTAGE, "Surcharge"),
    FeeSpec("Rush Order (< 48 h)", "Booking confirmed less than 48 hours before collection.",
            "150.00", DiscountType.FIXED, "Surcharge"),
    FeeSpec("Cleaning & Restocking", "Cleaning of gear used outdoors (sand, rain, haze).",
            "45.00", DiscountType.FIXED, "Logistics"),
)
# fmt: on


@dataclass(frozen=True)
class QuoteSpec:
    name: str
    status: QuoteStatus
    issued_offset: int  # days from today the quote was written (<= 0)
    client: str | None = None  # a demo client name; None for a typed (private) client
    event: str | None = None  # Accepted quotes: the event they became (dates, lines from it)
    location: str | None = None
    start_offset: int = 0
    days: int = 1
    equipment: tuple[tuple[str, int], ...] = ()
    services: tuple[tuple[str, int], ...] = ()
    fees: tuple[str, ...] = ()
    discount_value: str = "0.00"
    discount_type: DiscountType = DiscountType.FIXED
    client_name: str | None = None
    client_email: str | None = None
    client_phone: str | None = None
    client_address: str | None = None
    notes: str | None = None


# fmt: off
QUOTES: tuple[QuoteSpec, ...] = (
    QuoteSpec("Banco Horizonte Summer Party", QuoteStatus.ARCHIVED, -180,
              client="Banco Horizonte, S.A.", location="Terraço Tejo, Lisbon",
              start_offset=-150, days=1,
              equipment=(("AUD-0014", 6), ("LGT-0006", 16), ("STG-0001", 8)),
              services=(("Setup Crew (per technician)", 2),),
              fees=("Weekend / Holiday Surcharge 15 %",),
              notes="Event moved in-house by the client; kept for reference."),
    QuoteSpec("Douro Wine Harvest Gala — AV package", QuoteStatus.ACCEPTED, -65,
              event="Douro Wine Harvest Gala",
              services=(("Sound Engineer", 1), ("Transport per km (7.5 t truck)", 700)),
              fees=("Cleaning & Restocking",)),
    QuoteSpec("TechWave Lisbon Summit — Main Stage", QuoteStatus.ACCEPTED, -50,
              event="TechWave Lisbon Summit",
              services=(("Sound Engineer", 1), ("Video Operator", 2), ("LED Wall Technician", 1),
                        ("Setup Crew (per technician)", 4)),
              fees=("Delivery & Collection (Greater Lisbon)",),
              discount_value="5.00", discount_type=DiscountType.PERCENTAGE,
              notes="5 % returning-client discount."),
    QuoteSpec("Porto Live Acoustic Tour", QuoteStatus.DECLINED, -40,
              client="Porto Live Productions", location="Teatro Sá da Bandeira, Porto",
              start_offset=-12, days=3,
              equipment=(("AUD-0013", 6), ("AUD-0015", 1), ("AUD-0003", 6)),
              services=(("Sound Engineer", 1),),
              discount_value="10.00", discount_type=DiscountType.PERCENTAGE,
              notes="Declined: the promoter used the venue's house console."),
    QuoteSpec("Atlântico Corporate Awards Night — Production", QuoteStatus.ACCEPTED, -21,
              event="Atlântico Corporate Awards Night",
              services=(("Sound Engineer", 1), ("Lighting Technician", 1),
                        ("Setup Crew (per technician)", 3),
                        ("Transport — 3.5 t Van with Driver", 1)),
              fees=("Delivery & Collection (Greater Lisbon)",),
              discount_value="150.00", discount_type=DiscountType.FIXED),
    # Sent over a month ago and never answered: past its 30 days, the list shows it expired.
    QuoteSpec("Sintra Film Festival — Outdoor Screenings", QuoteStatus.SENT, -38,
              client="Sintra Film Commission", location="Parque da Liberdade, Sintra",
              start_offset=75, days=3,
              equipment=(("VID-0006", 2), ("AUD-0001", 6), ("LGT-0002", 4)),
              services=(("Video Operator", 1),)),
    QuoteSpec("Douro Tasting Tour — Porto", QuoteStatus.SENT, -3,
              client="Vinhos do Douro Wine Society", location="Alfândega do Porto",
              start_offset=45, days=2,
              equipment=(("AUD-0014", 4), ("AUD-0017", 1), ("LGT-0006", 12)),
              services=(("Sound Engineer", 1), ("Transport per km (7.5 t truck)", 640))),
    QuoteSpec("Cascais Medical Congress — Breakout Rooms", QuoteStatus.SENT, -2,
              client="Cascais Congress Centre", location="Cascais Congress Centre, Rooms 2-4",
              start_offset=60, days=3,
              equipment=(("VID-0002", 2), ("VID-0004", 3), ("AUD-0005", 4), ("AUD-0016", 1)),
              services=(("Video Operator", 1),),
              discount_value="10.00", discount_type=DiscountType.PERCENTAGE),
    QuoteSpec("Lumen Brand Roadshow — Madrid Stop", QuoteStatus.DRAFT, -1,
              client="Lumen Brand Experience S.L.", location="Plaza de Callao, Madrid",
              start_offset=40, days=2,
              equipment=(("VID-0005", 32), ("VID-0009", 1), ("AUD-0014", 4)),
              services=(("LED Wall Technician", 1), ("Transport per km (7.5 t truck)", 1250)),
              discount_value="500.00", discount_type=DiscountType.FIXED),
    QuoteSpec("Private 40th Birthday — Sintra", QuoteStatus.DRAFT, 0,
              location="Quinta privada, Colares, Sintra", start_offset=50, days=1,
              equipment=(("AUD-0014", 2), ("AUD-0016", 1), ("LGT-0006", 8), ("LGT-0011", 1)),
              services=(("Setup Crew (per technician)", 2),),
              fees=("Delivery & Collection (Greater Lisbon)", "Weekend / Holiday Surcharge 15 %"),
              client_name="Sofia Menezes", client_email="sofia.menezes@example.pt",
              client_phone="+351 936 221 870",
              client_address="Rua das Murtas 14, 2705-001 Colares"),
)
# fmt: on


@dataclass(frozen=True)
class MaintenanceSpec:
    asset_code: str
    offset: int  # log date, days from today
    description: str
    units: int
    from_status: UnitStatus
    to_status: UnitStatus
    technician: str  # a demo username
    cost: str = "0.00"
    closed: bool = False
    event: str | None = None  # the event where the damage happened


# Open logs account exactly for the damaged / maintenance units of ITEMS; closed logs are
# history (units already back in service).
# fmt: off
MAINTENANCE: tuple[MaintenanceSpec, ...] = (
    MaintenanceSpec("AUD-0006", -44,
                    "Handheld dropped during Q&A: cracked grille, intermittent RF.",
                    1, UnitStatus.GOOD, UnitStatus.DAMAGED, "tech",
                    event="Banco Horizonte Annual Kick-off"),
    MaintenanceSpec("AUD-0010", -9,
                    "Two modules with distorted HF: drivers sent to d&b for replacement.",
                    2, UnitStatus.GOOD, UnitStatus.MAINTENANCE, "tech", "0.00"),
    MaintenanceSpec("VID-0003", -16,
                    "Scheduled laser light-source service and filter clean at 20 000 h.",
                    1, UnitStatus.GOOD, UnitStatus.MAINTENANCE, "tech", "0.00"),
    MaintenanceSpec("VID-0005", -11,
                    "Three panels with dead pixel rows after the Madrid load-out.",
                    3, UnitStatus.GOOD, UnitStatus.DAMAGED, "tech",
                    event="Lumen Product Launch — Madrid"),
    MaintenanceSpec("LGT-0003", -6, "Pan motor noisy; belt and bearings to be replaced.",
                    1, UnitStatus.GOOD, UnitStatus.MAINTENANCE, "tech"),
    MaintenanceSpec("LGT-0004", -19, "Lamp failure and burnt colour wheel found at check-in.",
                    1, UnitStatus.GOOD, UnitStatus.DAMAGED, "tech"),
    MaintenanceSpec("RIG-0005", -3, "Annual LOLER inspection by the certified rigging contractor.",
                    1, UnitStatus.GOOD, UnitStatus.MAINTENANCE, "tech", "85.00"),
    MaintenanceSpec("CAB-0004", -29, "Two cables with broken connectors after the Fintech Meetup.",
                    2, UnitStatus.GOOD, UnitStatus.DAMAGED, "tech",
                    event="Lisbon Fintech Meetup"),
    MaintenanceSpec("LGT-0001", -60, "Colour wheel motor replaced and fixture recalibrated.",
                    1, UnitStatus.MAINTENANCE, UnitStatus.GOOD, "tech", "145.00", closed=True),
    MaintenanceSpec("AUD-0015", -55, "Fader bank cleaned, firmware updated to V5.81.",
                    1, UnitStatus.MAINTENANCE, UnitStatus.GOOD, "tech", "60.00", closed=True),
    MaintenanceSpec("PWR-0001", -33, "Periodic RCD trip test and PAT inspection passed.",
                    2, UnitStatus.MAINTENANCE, UnitStatus.GOOD, "tech", "35.00", closed=True),
)
# fmt: on


@dataclass(frozen=True)
class NotificationSpec:
    username: str
    key: str  # unique per user (stored as dedup_key "demo:<key>")
    type: NotificationType
    title: str
    message: str
    priority: Priority = Priority.MEDIUM
    is_read: bool = False
    link: str | None = None
    hours_ago: int = 1


_WELCOME = "Welcome to AV Rentals"
_WELCOME_MSG = (
    "This is demo data for Lisbon Stage & Sound: equipment, clients, events and quotes you "
    "can explore and change freely."
)
_LOW_STOCK_MSG = "Duracell Procell 9V Battery: 15 left, below the threshold of 20. Reorder soon."

# fmt: off
NOTIFICATIONS: tuple[NotificationSpec, ...] = (
    NotificationSpec("admin", "welcome", NotificationType.SYSTEM, _WELCOME, _WELCOME_MSG,
                     Priority.LOW, True, "/", 72),
    NotificationSpec("admin", "low-stock-9v", NotificationType.LOW_STOCK, "Low stock: 9V batteries",
                     _LOW_STOCK_MSG, Priority.HIGH, False, "/equipment", 5),
    NotificationSpec("admin", "maintenance-v8", NotificationType.MAINTENANCE_DUE,
                     "V8 modules in repair",
                     "Two d&b V8 modules are at d&b for driver replacement; 22 of 24 bookable.",
                     Priority.MEDIUM, False, "/maintenance", 30),
    NotificationSpec("manager", "welcome", NotificationType.SYSTEM, _WELCOME, _WELCOME_MSG,
                     Priority.LOW, True, "/", 72),
    NotificationSpec("manager", "reminder-awards", NotificationType.EVENT_REMINDER,
                     "Awards Night in 3 days",
                     "Atlântico Corporate Awards Night: prep starts in 2 days, stage build on the "
                     "morning of the show.", Priority.MEDIUM, False, "/events", 3),
    NotificationSpec("manager", "low-stock-9v", NotificationType.LOW_STOCK,
                     "Low stock: 9V batteries",
                     _LOW_STOCK_MSG, Priority.HIGH, False, "/equipment", 5),
    NotificationSpec("tech", "welcome", NotificationType.SYSTEM, _WELCOME, _WELCOME_MSG,
                     Priority.LOW, True, "/", 72),
    NotificationSpec("tech", "lodestar-inspection", NotificationType.MAINTENANCE_DUE,
                     "Hoist inspection in progress",
                     "One CM Lodestar is out for its annual LOLER inspection.",
                     Priority.MEDIUM, False, "/maintenance", 48),
    NotificationSpec("tech", "sharpy-damaged", NotificationType.EQUIPMENT_STATUS_CHANGE,
                     "Sharpy Beam marked damaged",
                     "One Clay Paky Sharpy Beam was marked damaged at check-in (lamp failure).",
                     Priority.MEDIUM, True, "/maintenance", 200),
    NotificationSpec("tech", "reminder-ribeira", NotificationType.EVENT_REMINDER,
                     "Rock in the Ribeira prep",
                     "Prep for Rock in the Ribeira starts in 4 days: V8, V-SUB, MegaPointe.",
                     Priority.HIGH, False, "/events", 2),
    NotificationSpec("employee", "welcome", NotificationType.SYSTEM, _WELCOME, _WELCOME_MSG,
                     Priority.LOW, False, "/", 72),
    NotificationSpec("employee", "reminder-awards", NotificationType.EVENT_REMINDER,
                     "Awards Night in 3 days",
                     "Confirm the running order and the guest count with Atlântico Events.",
                     Priority.MEDIUM, False, "/events", 3),
    NotificationSpec("viewer", "welcome", NotificationType.SYSTEM, _WELCOME, _WELCOME_MSG,
                     Priority.LOW, False, "/", 72),
    NotificationSpec("viewer", "new-equipment", NotificationType.NEW_EQUIPMENT,
                     "New in stock: Robe Spiider",
                     "Twelve Robe Spiider LED washes were added to the Lighting catalogue.",
                     Priority.LOW, True, "/equipment", 120),
)
# fmt: on
