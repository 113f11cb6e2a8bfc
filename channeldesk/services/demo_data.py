"""A realistic demo portfolio, so a new user (and every screenshot) sees the app at work.

The set is built to exercise what real portfolios throw at the UI: company names from five
continents in Latin, Greek, Cyrillic, Arabic, Hebrew, Thai and CJK scripts, every partner
type, tier, status and region, contacts whose emails match the company's domain, and an
engagement log over the last 18 months whose shape follows each partner's status (an
onboarding partner has recent trainings, a terminated one went quiet long ago). About one
activity in five is internal-only with the candid notes a CAM would never show a partner,
so presentation mode has something to hide.

The content is a pure function of ``seed`` and ``today`` (:func:`build_demo_set`); ids and
clock stamps are made by the store as for any other write. :func:`load_demo_data` writes it
through ``store.insert`` in one transaction, so it is journalled like user edits and a
cancel leaves nothing behind.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from channeldesk.domain.partner import (
    ActivityKind,
    PartnerStatus,
    PartnerTier,
    PartnerType,
    Region,
)
from channeldesk.domain.progress import CancelToken, Progress
from channeldesk.features import demo_hooks
from channeldesk.services.demo_context import DemoContext
from channeldesk.store.database import Store
from channeldesk.store.models import Activity, Contact, Partner

DEFAULT_SEED = 2026
HISTORY_DAYS = 548  # 18 months



# -- the raw material ------------------------------------------------------------------------

# code: (country, region, locale of people's names, phone pattern; see _phone)
COUNTRIES: dict[str, tuple[str, Region, str, str]] = {
    "US": ("United States", Region.NORTH_AMERICA, "en", "+1 N## 555 01##"),
    "CA": ("Canada", Region.NORTH_AMERICA, "en", "+1 N## 555 01##"),
    "CA-QC": ("Canada", Region.NORTH_AMERICA, "fr", "+1 418 555 01##"),
    "BR": ("Brazil", Region.LATIN_AMERICA, "pt", "+55 ## 9####-####"),
    "MX": ("Mexico", Region.LATIN_AMERICA, "es", "+52 81 #### ####"),
    "PE": ("Peru", Region.LATIN_AMERICA, "es", "+51 1 ### ####"),
    "AR": ("Argentina", Region.LATIN_AMERICA, "es", "+54 351 ###-####"),
    "CL": ("Chile", Region.LATIN_AMERICA, "es", "+56 2 #### ####"),
    "CO": ("Colombia", Region.LATIN_AMERICA, "es", "+57 601 ### ####"),
    "UY": ("Uruguay", Region.LATIN_AMERICA, "es", "+598 2### ####"),
    "DO": ("Dominican Republic", Region.LATIN_AMERICA, "es", "+1 809 ### ####"),
    "PL": ("Poland", Region.EMEA, "pl", "+48 42 ### ## ##"),
    "GR": ("Greece", Region.EMEA, "el", "+30 21# ### ####"),
    "RU": ("Russia", Region.EMEA, "ru", "+7 812 ###-##-##"),
    "DE": ("Germany", Region.EMEA, "de", "+49 711 #######"),
    "NO": ("Norway", Region.EMEA, "no", "+47 ## ## ## ##"),
    "FR": ("France", Region.EMEA, "fr", "+33 4 ## ## ## ##"),
    "GB": ("United Kingdom", Region.EMEA, "en", "+44 161 ### ####"),
    "NL": ("Netherlands", Region.EMEA, "nl", "+31 30 ### ####"),
    "PT": ("Portugal", Region.EMEA, "pt", "+351 21 ### ####"),
    "CZ": ("Czechia", Region.EMEA, "cs", "+420 5## ### ###"),
    "SE": ("Sweden", Region.EMEA, "sv", "+46 31 ### ## ##"),
    "TR": ("Türkiye", Region.EMEA, "tr", "+90 212 ### ## ##"),
    "SA": ("Saudi Arabia", Region.EMEA, "ar", "+966 11 ### ####"),
    "IL": ("Israel", Region.EMEA, "he", "+972 3-###-####"),
    "ZA": ("South Africa", Region.EMEA, "za", "+27 21 ### ####"),
    "KE": ("Kenya", Region.EMEA, "ke", "+254 20 ### ####"),
    "CH": ("Switzerland", Region.EMEA, "de", "+41 44 ### ## ##"),
    "FI": ("Finland", Region.EMEA, "fi", "+358 9 ### ####"),
    "IE": ("Ireland", Region.EMEA, "en", "+353 1 ### ####"),
    "ES": ("Spain", Region.EMEA, "es", "+34 93 ### ## ##"),
    "HU": ("Hungary", Region.EMEA, "hu", "+36 1 ### ####"),
    "AT": ("Austria", Region.EMEA, "de", "+43 316 ######"),
    "JP": ("Japan", Region.APAC, "ja", "+81 3-####-####"),
    "CN": ("China", Region.APAC, "zh", "+86 10 #### ####"),
    "TW": ("Taiwan", Region.APAC, "zh-tw", "+886 2 #### ####"),
    "KR": ("South Korea", Region.APAC, "ko", "+82 2-####-####"),
    "AU": ("Australia", Region.APAC, "en", "+61 2 #### ####"),
    "NZ": ("New Zealand", Region.APAC, "en", "+64 9 ### ####"),
    "IN": ("India", Region.APAC, "in", "+91 80 #### ####"),
    "TH": ("Thailand", Region.APAC, "th", "+66 2 ### ####"),
    "VN": ("Vietnam", Region.APAC, "vi", "+84 28 #### ####"),
    "SG": ("Singapore", Region.APAC, "en", "+65 6### ####"),
    "ID": ("Indonesia", Region.APAC, "id", "+62 21 #### ####"),
    "PH": ("Philippines", Region.APAC, "ph", "+63 2 #### ####"),
}

# (company name, country code, city, web domain)
COMPANIES: tuple[tuple[str, str, str, str], ...] = (
    ("Northwind Cloud Partners", "US", "Seattle", "northwindcloud.com"),
    ("Blue Ridge Managed IT", "US", "Asheville", "blueridgeit.com"),
    ("Lakeshore Data Systems", "US", "Chicago", "lakeshoredata.com"),
    ("Lone Star Distribution Co.", "US", "Austin", "lonestardist.com"),
    ("Harbor Point Software", "US", "Boston", "harborpointsw.com"),
    ("Prairie Tech Referral Group", "US", "Omaha", "prairietech.net"),
    ("Summit Peak Solutions LLC", "US", "Denver", "summitpeak.io"),
    ("Pacific Crest Systems", "US", "San Diego", "pacificcrest.us"),
    ("Maple Leaf Integrators Inc.", "CA", "Toronto", "mapleleafint.ca"),
    ("Acadia Cloud Services", "CA", "Halifax", "acadiacloud.ca"),
    ("Groupe Informatique Laurentide inc.", "CA-QC", "Québec", "laurentide-info.ca"),
    ("São Paulo Redes Ltda.", "BR", "São Paulo", "sprede.com.br"),
    ("Informática Pernambuco Ltda.", "BR", "Recife", "infope.com.br"),
    ("TecnoMéxico Integración S.A. de C.V.", "MX", "Monterrey", "tecnomexico.mx"),
    ("Soluciones Andinas S.A.C.", "PE", "Lima", "solandinas.pe"),
    ("Distribuidora Pampa Digital S.R.L.", "AR", "Córdoba", "pampadigital.com.ar"),
    ("Nube Austral SpA", "CL", "Santiago", "nubeaustral.cl"),
    ("Bogotá Sistemas S.A.S.", "CO", "Bogotá", "bogotasistemas.co"),
    ("Servicios Gestionados del Plata", "UY", "Montevideo", "sgplata.com.uy"),
    ("Caribe Conecta S.R.L.", "DO", "Santo Domingo", "caribeconecta.do"),
    ("Łódź Systemy Sp. z o.o.", "PL", "Łódź", "lodzsystemy.pl"),
    ("Ελληνική Πληροφορική Α.Ε.", "GR", "Athens", "elpliroforiki.gr"),
    ("ООО Северный Интегратор", "RU", "Saint Petersburg", "sevintegrator.ru"),
    ("Müller & Söhne IT GmbH", "DE", "Stuttgart", "mueller-soehne-it.de"),
    ("Nordlys Data AS", "NO", "Bergen", "nordlysdata.no"),
    ("Intégrale Lyon SAS", "FR", "Lyon", "integrale-lyon.fr"),
    ("Brightwater IT Ltd", "GB", "Manchester", "brightwater-it.co.uk"),
    ("Van der Berg Netwerken B.V.", "NL", "Utrecht", "vdbnetwerken.nl"),
    ("Atlântico Digital, Lda.", "PT", "Lisbon", "atlanticodigital.pt"),
    ("Česká Síťová s.r.o.", "CZ", "Brno", "ceskasitova.cz"),
    ("Göteborg Säkerhet AB", "SE", "Gothenburg", "gbgsakerhet.se"),
    ("Özdemir Bilişim A.Ş.", "TR", "Istanbul", "ozdemirbilisim.com.tr"),
    ("شركة الرياض للحلول التقنية", "SA", "Riyadh", "riyadhtech.sa"),
    ("אופק מערכות מידע בע״מ", "IL", "Tel Aviv", "ofek-systems.co.il"),
    ("Cape Peninsula Networks (Pty) Ltd", "ZA", "Cape Town", "capenet.co.za"),
    ("Nairobi Cloud Hub Ltd", "KE", "Nairobi", "nairobicloudhub.co.ke"),
    ("Zürcher Informatik AG", "CH", "Zürich", "zuercher-informatik.ch"),
    ("Helsingin Pilvipalvelut Oy", "FI", "Helsinki", "pilvipalvelut.fi"),
    ("Dublin Bay Software Ltd", "IE", "Dublin", "dublinbaysoftware.ie"),
    ("Sistemes Integrats Barcelona S.L.", "ES", "Barcelona", "sibcn.es"),
    ("Magyar Rendszerház Kft.", "HU", "Budapest", "rendszerhaz.hu"),
    ("Österreichische Netzwerktechnik GmbH", "AT", "Graz", "oe-netzwerk.at"),
    ("株式会社ネクスト", "JP", "Tokyo", "next-kk.co.jp"),
    ("北京云桥科技有限公司", "CN", "Beijing", "yunqiao.cn"),
    ("台灣雲端整合股份有限公司", "TW", "Taipei", "twcloud.com.tw"),
    ("주식회사 한빛솔루션", "KR", "Seoul", "hanbitsol.co.kr"),
    ("Sydney Harbour Managed Services Pty Ltd", "AU", "Sydney", "sydneyharbourms.com.au"),
    ("Kiwi Cloud Partners Ltd", "NZ", "Auckland", "kiwicloud.co.nz"),
    ("Bangalore Code Works Pvt. Ltd.", "IN", "Bengaluru", "bangalorecodeworks.in"),
    ("ไทย ดิจิทัล โซลูชั่น จำกัด", "TH", "Bangkok", "thaidigital.co.th"),
    ("Công ty TNHH Công nghệ Sài Gòn", "VN", "Ho Chi Minh City", "congnghesaigon.vn"),
    ("Straits Distribution Pte. Ltd.", "SG", "Singapore", "straitsdist.com.sg"),
    ("PT Nusantara Data Solusi", "ID", "Jakarta", "nusantaradata.co.id"),
    ("Manila Bay Systems Inc.", "PH", "Manila", "manilabaysystems.ph"),
)

# locale: (given names, family names, family name first?, joiner). A token is either a
# Latin-script name or "native:roman"; "_" stands for a space inside one name.
PEOPLE: dict[str, tuple[str, str, bool, str]] = {
    "en": ("James Emily Michael Sarah David Jessica Daniel Megan Kevin Laura Brian Rachel",
           "Carter Nguyen Johnson Walsh Thompson O'Connor Reyes Brooks Sullivan Hughes Foster",
           False, " "),
    "fr": ("Camille Julien Élodie Mathieu Chloé Antoine Sophie Guillaume",
           "Tremblay Gagnon Lefèvre Côté Bouchard Moreau Girard Lambert", False, " "),
    "es": ("Alejandro Lucía Javier María Sofía Diego Valentina Andrés Camila Mateo",
           "García Fernández López Martínez Rodríguez Pérez Gómez Díaz Torres Muñoz", False, " "),
    "pt": ("João Ana Pedro Mariana Luís Beatriz Tiago Inês Rafael Camila",
           "Silva Santos Oliveira Souza Pereira Costa Rodrigues Almeida Gonçalves", False, " "),
    "pl": ("Łukasz Agnieszka Piotr Katarzyna Tomasz Małgorzata Paweł Zofia",
           "Nowak Wójcik Kaczmarek Mazur Krawczyk Zając Wróbel Dąbrowski", False, " "),
    "el": ("Γιώργος:giorgos Μαρία:maria Νίκος:nikos Ελένη:eleni Δημήτρης:dimitris",
           "Παπαδόπουλος:papadopoulos Οικονόμου:oikonomou Γεωργίου:georgiou "
           "Νικολάου:nikolaou Βασιλείου:vasileiou", False, " "),
    "ru": ("Алексей:aleksey Ольга:olga Дмитрий:dmitry Наталья:natalya Сергей:sergey",
           "Иванов:ivanov Смирнов:smirnov Кузнецов:kuznetsov Попов:popov Соколов:sokolov",
           False, " "),
    "de": ("Jürgen Anna Stefan Katrin Matthias Julia Thomas Sabine Lukas Lena",
           "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schäfer Hoffmann",
           False, " "),
    "nl": ("Daan Sanne Thijs Femke Bram Lotte Ruben Eva",
           "de_Jong Jansen de_Vries van_den_Berg Bakker Visser Smit Mulder", False, " "),
    "sv": ("Erik Anna Lars Karin Johan Maja Anders Elin",
           "Andersson Johansson Karlsson Nilsson Lindqvist Bergström Åberg", False, " "),
    "no": ("Ole Ingrid Magnus Silje Henrik Kari Sindre Marit",
           "Hansen Johansen Olsen Larsen Haugen Dahl Solberg Sæther", False, " "),
    "fi": ("Mikko Aino Juha Laura Antti Sanna Ville Noora",
           "Virtanen Korhonen Mäkinen Nieminen Hämäläinen Laine Heikkinen", False, " "),
    "cs": ("Jan Tereza Petr Lucie Tomáš Veronika Jiří Kateřina",
           "Novák Svoboda Dvořák Černý Procházka Kučera Veselý Horák", False, " "),
    "hu": ("Bence Eszter Gábor Zsófia László Anna Péter Réka",
           "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár", True, " "),
    "tr": ("Mehmet Ayşe Emre Zeynep Burak Elif Can Selin",
           "Yılmaz Kaya Demir Şahin Çelik Yıldız Aydın Öztürk", False, " "),
    "ar": ("محمد:mohammed فاطمة:fatima أحمد:ahmed نورة:noura خالد:khalid ريم:reem",
           "العتيبي:alotaibi القحطاني:alqahtani الشمري:alshammari الحربي:alharbi",
           False, " "),
    "he": ("יוסי:yossi מיכל:michal אבי:avi נועה:noa דניאל:daniel שירה:shira",
           "כהן:cohen לוי:levi מזרחי:mizrahi פרץ:peretz ביטון:biton", False, " "),
    "ja": ("優子:yuko 健太:kenta 美咲:misaki 翔:sho 由美:yumi 大輔:daisuke",
           "田中:tanaka 佐藤:sato 鈴木:suzuki 高橋:takahashi 渡辺:watanabe 伊藤:ito", True, " "),
    "zh": ("伟:wei 芳:fang 磊:lei 静:jing 强:qiang 丽:li 洋:yang 敏:min",
           "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang", True, ""),
    "zh-tw": ("志明:zhiming 淑芬:shufen 家豪:jiahao 怡君:yijun 俊傑:junjie 雅婷:yating",
              "陳:chen 林:lin 黃:huang 張:chang 李:lee 王:wang", True, ""),
    "ko": ("민준:minjun 서연:seoyeon 지훈:jihoon 수빈:subin 현우:hyunwoo 지은:jieun",
           "김:kim 이:lee 박:park 최:choi 정:jung 강:kang", True, ""),
    "th": ("สมชาย:somchai สุดา:suda ประเสริฐ:prasert มาลี:malee อนันต์:anan วิไล:wilai",
           "ศรีสุข:srisuk ทองดี:thongdee แก้วมณี:kaewmanee บุญมา:boonma", False, " "),
    "vi": ("Minh Lan Tuấn Hương Dũng Thảo Hải Linh",
           "Nguyễn Trần Lê Phạm Hoàng Võ Đặng Bùi", True, " "),
    "id": ("Budi Siti Agus Dewi Rizky Putri Hendra Ayu",
           "Santoso Wijaya Pratama Kusuma Hidayat Saputra Halim Setiawan", False, " "),
    "in": ("Priya Arjun Ananya Rahul Kavya Vikram Sneha Rohan",
           "Sharma Iyer Reddy Nair Gupta Menon Rao Krishnan", False, " "),
    "ph": ("Maria Jose Angelica Mark Kristine Paolo Joanna Carlo",
           "Santos Reyes Cruz Bautista Garcia Mendoza Villanueva Ramos", False, " "),
    "ke": ("Wanjiru Achieng Brian Faith Kevin Njeri Daniel Amani",
           "Mwangi Ochieng Kariuki Wanjala Kiprop Mutua Otieno Njoroge", False, " "),
    "za": ("Thabo Lerato Johan Naledi Pieter Zanele Sipho Anika",
           "Nkosi van_der_Merwe Dlamini Botha Mokoena Naidoo Pretorius Khumalo", False, " "),
}

# The vendor's channel account managers, by territory.
OWNERS: dict[Region, tuple[str, ...]] = {
    Region.NORTH_AMERICA: ("Dana Whitfield", "Sam Ortega"),
    Region.LATIN_AMERICA: ("Lucía Herrera", "Sam Ortega"),
    Region.EMEA: ("Marco Bellini", "Sofie Lindholm"),
    Region.APAC: ("Aiko Tanaka", "Priya Raman"),
}

PRIMARY_ROLES = ("Alliance Manager", "Managing Director", "Channel Sales Director", "CEO")
OTHER_ROLES = ("Presales Engineer", "Technical Lead", "Marketing Manager", "Sales Manager",
               "Service Delivery Manager", "Finance Controller", "Head of Procurement")
PRODUCTS = ("CloudVault Backup", "EdgeGuard Firewall", "FlowDesk Service Desk",
            "SecureID MFA", "Atlas Monitoring")
COMPETITORS = ("Brightline", "Kestrel Systems", "Orbis Networks", "NovaShield")
EVENTS = ("Partner Summit", "Channel Connect", "Cloud Expo", "Security Forum")

TYPE_WEIGHTS = {PartnerType.RESELLER: 3, PartnerType.MSP: 3, PartnerType.SYSTEM_INTEGRATOR: 2,
                PartnerType.REFERRAL: 2, PartnerType.DISTRIBUTOR: 1, PartnerType.ISV: 1}
TIER_WEIGHTS = {PartnerTier.REGISTERED: 3, PartnerTier.SILVER: 3, PartnerTier.GOLD: 2,
                PartnerTier.PLATINUM: 1}
STATUS_WEIGHTS = {PartnerStatus.ACTIVE: 12, PartnerStatus.ONBOARDING: 3,
                  PartnerStatus.INACTIVE: 2, PartnerStatus.SUSPENDED: 1,
                  PartnerStatus.TERMINATED: 1}

# status: (fewest, most activities, newest and oldest day in the past they fall on)
ACTIVITY_SHAPE: dict[PartnerStatus, tuple[int, int, int, int]] = {
    PartnerStatus.ONBOARDING: (4, 10, 0, 120),
    PartnerStatus.ACTIVE: (8, 25, 0, HISTORY_DAYS - 1),
    PartnerStatus.INACTIVE: (4, 9, 150, HISTORY_DAYS - 1),
    PartnerStatus.SUSPENDED: (5, 14, 20, HISTORY_DAYS - 1),
    PartnerStatus.TERMINATED: (4, 8, 200, HISTORY_DAYS - 1),
}
KIND_WEIGHTS = {ActivityKind.CALL: 30, ActivityKind.EMAIL: 25, ActivityKind.MEETING: 20,
                ActivityKind.QBR: 8, ActivityKind.TRAINING: 9, ActivityKind.EVENT: 8}
INTERNAL_SHARE = 0.2

SUBJECTS: dict[ActivityKind, tuple[str, ...]] = {
    ActivityKind.CALL: (
        "Pipeline review call", "Follow-up on {product} renewal",
        "Deal registration check-in", "Intro call with their new sales lead",
        "Pricing question on the {product} bundle", "Escalation: delayed licence delivery"),
    ActivityKind.EMAIL: (
        "Sent updated {product} price list", "Reminder: MDF claim paperwork",
        "Shared the new {product} battlecard", "Partner portal access for new hires",
        "Confirmed booth details for {event}"),
    ActivityKind.MEETING: (
        "Joint account planning for {quarter}", "{product} roadmap briefing",
        "Executive sponsor meeting in {city}", "Co-selling workshop: top 10 accounts",
        "Marketing plan review"),
    ActivityKind.QBR: ("{quarter} quarterly business review", "{quarter} QBR with leadership"),
    ActivityKind.TRAINING: (
        "{product} sales certification", "{product} technical bootcamp (3 days)",
        "Partner portal onboarding session", "Deal registration process training"),
    ActivityKind.EVENT: (
        "{event} {year}", "Joint webinar: {product} for mid-market",
        "Customer roundtable in {city}", "Booth at {event} {year}"),
}
NOTES: dict[ActivityKind, tuple[str, ...]] = {
    ActivityKind.CALL: (
        "Spoke with {contact}. Three new opportunities, about {amount} in pipeline.",
        "{contact} asked for a demo environment for two prospects; requested via the portal.",
        "Walked {contact} through the deal registration rules; one duplicate resolved.", ""),
    ActivityKind.EMAIL: (
        "Sent to {contact}, copied their presales team.",
        "{contact} confirmed receipt and forwarded it to the sales team.", ""),
    ActivityKind.MEETING: (
        "Agreed next steps: {contact} shares the forecast by Friday, we send campaign ideas.",
        "Met {contact} in {city}. They want joint calls on two enterprise accounts.",
        "Reviewed the top 10 accounts; {amount} of pipeline to co-sell this half.", ""),
    ActivityKind.QBR: (
        "Revenue on target, services attach rate below plan. {contact} owns the fix.",
        "Behind plan by {amount}; agreed a recovery plan with {contact}.",
        "Ahead of target. Discussed moving up a tier next year."),
    ActivityKind.TRAINING: (
        "Two engineers passed the {product} exam; {contact} wants a second session.",
        "Eight attendees from sales and presales. Recording shared on the portal.", ""),
    ActivityKind.EVENT: (
        "Good attendance from their customers in {city}; {contact} collects the leads.",
        "Fourteen leads captured, shared with {contact} for follow-up.", ""),
}
KICKOFF_NOTE = ("Signed the partner agreement, set up portal access, agreed the first "
                "90-day plan: two certifications and a first registered deal.")
INTERNAL_SUBJECTS = ("Internal: margin review", "Internal: risk assessment",
                     "Internal: note for the regional director", "Internal: renewal strategy")
INTERNAL_NOTES = (
    "Margin pressure from {competitor}; escalate to the regional director.",
    "{contact} hinted they are evaluating {competitor}. Keep close, offer the loyalty rebate.",
    "Renewal at risk: they ask for an 18% discount. Pending approval, do not promise yet.",
    "Slow to pay MDF invoices; hold new funds until last quarter's claims are settled.",
    "Do not share roadmap dates yet; their NDA renewal is still pending with legal.",
    "Their top seller is leaving for {competitor}. Expect a dip next quarter.",
)
PARTNER_NOTES = (
    "Strong in public sector; thin technical bench, lean on our presales.",
    "Owner-run: decisions are made by the MD alone. Go to the top early.",
    "Also sells {competitor}; we win on support, not on price.",
    "Good marketing engine, weak at renewals. Push the auto-renew programme.",
    "Asked twice for a tier exception. Hold the line until they hit the target.",
)
STATUS_NOTES = {
    PartnerStatus.SUSPENDED: "Suspended after an audit found unregistered deals. Review in "
                             "90 days with compliance.",
    PartnerStatus.TERMINATED: "Terminated: two quarters below the minimum revenue, contract "
                              "not renewed. Customers moved to the nearest gold partner.",
}


# -- building the set (pure) ------------------------------------------------------------------

@dataclass(frozen=True)
class DemoContact:
    name: str
    role: str
    email: str
    phone: str
    is_primary: bool


@dataclass(frozen=True)
class DemoActivity:
    kind: str
    occurred_on: date
    subject: str
    notes: str
    internal_only: bool


@dataclass(frozen=True)
class DemoPartner:
    values: dict
    contacts: tuple[DemoContact, ...]
    activities: tuple[DemoActivity, ...]


@dataclass(frozen=True)
class DemoSummary:
    """What a demo load wrote, as ``{noun: count}`` in feature order."""

    counts: dict[str, int]
    steps: int  # progress steps of the load

    def __getitem__(self, noun: str) -> int:
        return self.counts.get(noun, 0)

    def text(self) -> str:
        return ", ".join(f"{count} {noun}" for noun, count in self.counts.items())


_ASCII_FIXES = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "æ": "ae", "đ": "d",
                              "Đ": "D", "ı": "i", "'": "", " ": ""})
_GERMAN_FIXES = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                               "Ü": "Ue"})


def _romanize(text: str, locale: str) -> str:
    """An email-safe ASCII form of a Latin-script name ("Wiśniewski" → "wisniewski")."""
    if locale == "de":
        text = text.translate(_GERMAN_FIXES)
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_FIXES))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _name_parts(tokens: str, locale: str) -> list[tuple[str, str]]:
    """(as written, romanized) for each token of a PEOPLE entry."""
    parts = []
    for token in tokens.split():
        native, _, roman = token.partition(":")
        native = native.replace("_", " ")
        parts.append((native, roman or _romanize(native, locale)))
    return parts


def _phone(rng: random.Random, pattern: str) -> str:
    """Fill a pattern: # is any digit, N a digit from 2 to 9 (North American area codes)."""
    digits = {"#": lambda: rng.randrange(10), "N": lambda: rng.randrange(2, 10)}
    return "".join(str(digits[c]()) if c in digits else c for c in pattern)


def _spread(rng: random.Random, weights: dict, count: int) -> list:
    """``count`` weighted picks that use every value at least once, in random order."""
    picks = list(weights) + rng.choices(list(weights), list(weights.values()),
                                        k=count - len(weights))
    rng.shuffle(picks)
    return picks


def _contacts(rng: random.Random, country: str, domain: str) -> tuple[DemoContact, ...]:
    """One to four people with distinct names; the first is the primary contact."""
    _country, _region, locale, pattern = COUNTRIES[country]
    given, family, family_first, joiner = PEOPLE[locale]
    count = rng.choices((1, 2, 3, 4), (15, 35, 30, 20))[0]
    families = _name_parts(family, locale)
    pairs = [(g, rng.choice(families)) for g in rng.sample(_name_parts(given, locale), count)]
    roles = [rng.choice(PRIMARY_ROLES), *rng.sample(OTHER_ROLES, count - 1)]
    people = []
    for index, ((g_native, g_roman), (f_native, f_roman)) in enumerate(pairs):
        ordered = (f_native, g_native) if family_first else (g_native, f_native)
        people.append(DemoContact(
            name=joiner.join(ordered), role=roles[index],
            email=f"{g_roman}.{f_roman}@{domain}",
            phone=_phone(rng, pattern), is_primary=index == 0,
        ))
    return tuple(people)


def _quarter(day: date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def _activity(rng: random.Random, kind: ActivityKind, day: date, words: dict) -> DemoActivity:
    """One log entry; about one in five is internal-only with a candid note."""
    fill = {"city": words["city"], "contact": rng.choice(words["contacts"]),
            "quarter": _quarter(day), "year": day.year, "product": rng.choice(PRODUCTS),
            "event": rng.choice(EVENTS), "competitor": rng.choice(COMPETITORS),
            "amount": f"{words['currency']} {rng.randrange(20, 400)}k"}
    if rng.random() < INTERNAL_SHARE:
        kind = rng.choice((ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING))
        return DemoActivity(kind.value, day, rng.choice(INTERNAL_SUBJECTS),
                            rng.choice(INTERNAL_NOTES).format(**fill), True)
    return DemoActivity(kind.value, day, rng.choice(SUBJECTS[kind]).format(**fill),
                        rng.choice(NOTES[kind]).format(**fill), False)


def _activities(rng: random.Random, status: PartnerStatus, today: date,
                words: dict) -> tuple[DemoActivity, ...]:
    """A log whose timing follows the status: onboarding is recent, terminated is old."""
    fewest, most, newest, oldest = ACTIVITY_SHAPE[status]
    weights = dict(KIND_WEIGHTS)
    if status is PartnerStatus.ONBOARDING:
        weights[ActivityKind.TRAINING] = 30
    days = sorted(rng.randint(newest, oldest) for _ in range(rng.randint(fewest, most)))
    kinds = rng.choices(list(weights), list(weights.values()), k=len(days))
    log = [_activity(rng, kind, today - timedelta(days=back), words)
           for kind, back in zip(kinds, reversed(days), strict=True)]
    if status is PartnerStatus.ONBOARDING:
        log[0] = DemoActivity(ActivityKind.MEETING.value, log[0].occurred_on,
                              "Onboarding kick-off", KICKOFF_NOTE, False)
    return tuple(log)


def _internal_notes(rng: random.Random, status: PartnerStatus) -> str:
    if status in STATUS_NOTES:
        return STATUS_NOTES[status]
    if rng.random() < 0.3:
        return rng.choice(PARTNER_NOTES).format(competitor=rng.choice(COMPETITORS))
    return ""


def _partner(rng: random.Random, company: tuple[str, str, str, str], kind: PartnerType,
             tier: PartnerTier, status: PartnerStatus, today: date) -> DemoPartner:
    name, country, city, domain = company
    country_name, region, _locale, pattern = COUNTRIES[country]
    contacts = _contacts(rng, country, domain)
    words = {"city": city, "contacts": [c.name for c in contacts],
             "currency": "EUR" if region is Region.EMEA else "USD"}
    values = {
        "name": name, "partner_type": kind.value, "tier": tier.value, "status": status.value,
        "region": region.value, "country": country_name, "owner": rng.choice(OWNERS[region]),
        "website": f"https://www.{domain}", "phone": _phone(rng, pattern),
        "internal_notes": _internal_notes(rng, status),
    }
    return DemoPartner(values, contacts, _activities(rng, status, today, words))


def build_demo_set(seed: int = DEFAULT_SEED, today: date | None = None) -> list[DemoPartner]:
    """The whole demo portfolio as plain values; the same seed and day give the same set."""
    rng = random.Random(seed)
    today = today or date.today()
    count = len(COMPANIES)
    kinds = _spread(rng, TYPE_WEIGHTS, count)
    tiers = _spread(rng, TIER_WEIGHTS, count)
    statuses = _spread(rng, STATUS_WEIGHTS, count)
    return [
        _partner(rng, company, kinds[i], tiers[i], statuses[i], today)
        for i, company in enumerate(COMPANIES)
    ]


# -- writing it -------------------------------------------------------------------------------

def is_empty(store: Store) -> bool:
    """True when the database has no partners, contacts or activities, not even deleted ones.

    Deleted rows count: they still sync and can be restored, so demo data must not be
    mixed in with them unasked.
    """
    return not any(model.select().exists() for model in (Partner, Contact, Activity))


def load_demo_data(
    store: Store,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
) -> DemoSummary:
    """Write every feature's demo set in one journalled transaction; all of it or, on
    cancel, none.

    The features' demo hooks (``channeldesk/features.py``) run in feature order. Raises
    :class:`Cancelled` when ``cancel.is_set()`` becomes true; the transaction is rolled
    back by then. Existing rows are left alone: the set is added beside them.
    """
    hooks = demo_hooks()
    context = DemoContext(store, seed, today or date.today(), len(hooks), progress, cancel)
    counts: dict[str, int] = {}
    with store.transaction():
        for _feature, add_demo in hooks:
            for noun, count in add_demo(context).items():  # hooks may add to one noun
                counts[noun] = counts.get(noun, 0) + count
            context.next_hook()
    if progress:
        progress(context.total, context.total, "Demo data loaded")
    return DemoSummary(counts, context.total)


def add_demo_partners(context: DemoContext) -> dict[str, int]:
    """The partners feature's demo hook: the portfolio with contacts and activities."""
    portfolio = build_demo_set(context.seed, context.today)
    contacts = activities = 0
    for done, partner in enumerate(portfolio):
        context.step(done, len(portfolio), f"Adding {partner.values['name']}")
        _write_partner(context.store, partner)
        contacts += len(partner.contacts)
        activities += len(partner.activities)
    context.partner_names.extend(p.values["name"] for p in portfolio)
    return {"partners": len(portfolio), "contacts": contacts, "activities": activities}


def _write_partner(store: Store, partner: DemoPartner) -> None:
    partner_id = store.insert(Partner, partner.values)
    for contact in partner.contacts:
        store.insert(Contact, {"partner": partner_id, **asdict(contact)})
    for activity in partner.activities:
        store.insert(Activity, {"partner": partner_id, **asdict(activity)})
