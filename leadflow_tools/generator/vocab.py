"""Word lists the generator samples from. Kept as data, one place, no logic."""

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Priya", "Wei", "Fatima", "Lukas", "Sofia", "Mateo", "Aiko", "Olga",
    "Chloé", "José", "Søren", "Zoë", "Ngozi", "Arjun", "Hannah", "Lars", "Camille", "Diego",
    "Yuki", "Amara",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Patel", "Müller", "Schmidt", "Rossi", "Nakamura",
    "Kowalski", "O'Brien", "Dubois", "Nguyen", "Kim", "Singh", "Okafor", "Larsen", "Silva",
]
COMPANY_WORDS_1 = [
    "Blue", "North", "Bright", "Iron", "Swift", "Green", "Silver", "Clear", "Red", "Nova",
    "Summit", "Delta", "Pioneer", "Atlas", "Quantum", "Harbor", "Vertex", "Cedar", "Lumen", "Orbit",
]
COMPANY_WORDS_2 = [
    "Harbor", "Labs", "Systems", "Works", "Logic", "Cloud", "Dynamics", "Data", "Metrics",
    "Networks", "Health", "Capital", "Foods", "Motors", "Retail", "Energy", "Media", "Bank",
]
COMPANY_SUFFIXES = ["Inc", "LLC", "Ltd", "GmbH", "SA", "Group", "Corp", "Co"]
TLDS = ["com", "com", "com", "io", "co", "net", "de", "co.uk"]
INDUSTRIES = [
    "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education",
    "Media", "Telecommunications", "Energy", "Government", "Consulting", "Nonprofit",
]
FREEMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de"]
STUDENT_DOMAINS = ["mit.edu", "stanford.edu", "berkeley.edu", "ox.ac.uk", "cam.ac.uk", "umich.edu"]
COMPETITOR_DOMAINS = ["marketo.com", "pardot.com", "eloqua.com", "6sense.com", "demandbase.com"]
OTHER_DOMAINS = ["freelance-consulting.net", "smallbiz.org", "me.com"]
INTERNAL_DOMAIN = "leadflow.io"

# (title, share) - seniority patterns in seeds/title_seniority_patterns.csv classify these.
TITLES = [
    "CEO", "Chief Marketing Officer", "CTO", "Founder & CEO", "VP Sales",
    "Vice President, Marketing", "SVP Engineering", "Director of IT", "Sr. Director, Demand Gen",
    "Head of Growth", "Marketing Manager", "Sales Manager", "Engineering Manager",
    "Software Engineer", "Data Analyst", "Marketing Specialist", "Account Executive",
    "Consultant", "Student", "Intern", "Office Administrator",
]

# raw spellings per ISO code: the generator writes any of them, staging maps them back.
COUNTRY_VARIANTS = {
    "US": ["US", "USA", "United States", "u.s.", "United States of America", "us "],
    "GB": ["UK", "GB", "United Kingdom", "Great Britain", "England"],
    "DE": ["Germany", "DE", "Deutschland"],
    "FR": ["France", "FR"],
    "CA": ["Canada", "CA"],
    "AU": ["Australia", "AU"],
    "NL": ["Netherlands", "NL", "The Netherlands", "Holland"],
    "IN": ["India", "IN"],
    "BR": ["Brazil", "BR", "Brasil"],
    "JP": ["Japan", "JP"],
    "ES": ["Spain", "ES", "España"],
    "SE": ["Sweden", "SE"],
    "RU": ["Russia", "RU", "Russian Federation"],
    "KP": ["North Korea", "KP"],
}
# weights per ISO code (same order as COUNTRY_VARIANTS); sums need not be 1.
COUNTRY_WEIGHTS = {
    "US": 40, "GB": 10, "DE": 8, "FR": 6, "CA": 6, "AU": 4, "NL": 3, "IN": 6, "BR": 4,
    "JP": 3, "ES": 3, "SE": 2, "RU": 1, "KP": 0.2,
}
LEAD_SOURCES = [
    "Web", "Webinar", "Paid Social", "Event", "Partner Referral", "Outbound", "Content Syndication",
]
PRODUCT_INTERESTS = ["Platform", "Analytics", "Routing", "Enterprise"]
REJECTION_REASON_VARIANTS = [
    "Student", "student", "Competitor", "competitor - do not contact", "No ICP fit", "not icp",
    "Bad data", "bad email", "Duplicate", "dupe", "No response", "no response after sequence",
    "Existing opp", "Existing opportunity",
]
RECYCLE_REASON_VARIANTS = ["Bad timing", "timing", "not now", "No budget", "No response"]
CAMPAIGN_TYPES = ["Webinar", "Trade Show", "Content", "Email", "Paid Social", "Partner", "Other"]
PAGE_PATHS = [
    "/", "/", "/product", "/product/routing", "/pricing", "/demo", "/case-studies/acme",
    "/case-studies/globex", "/blog/lead-scoring", "/blog/sla", "/docs/getting-started",
    "/careers", "/webinars/2026-q3", "/integrations/salesforce",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
]
BOT_USER_AGENTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
    "python-requests/2.31.0",
]
TRACK_EVENTS = [
    "Logged In", "Logged In", "Logged In", "Signed Up", "Trial Started", "Feature Activated",
    "Feature Activated", "Invited Teammate", "Demo Requested",
]
FEATURES = ["routing", "scoring", "sla", "sync", "reports"]
PLANS = ["free", "trial", "team", "enterprise"]
EMAIL_EVENT_TYPES = [  # weighted by repetition
    "SENT", "SENT", "SENT", "SENT", "DELIVERED", "DELIVERED", "DELIVERED", "DELIVERED",
    "OPEN", "OPEN", "OPEN", "CLICK",
]
FORM_PAGES = [
    ("/demo", "Request a demo"), ("/pricing", "Talk to sales"), ("/contact", "Contact us"),
    ("/ebook/lead-scoring", "Download the lead scoring e-book"),
    ("/webinars/2026-q3", "Register for the webinar"),
]
TASK_SUBJECTS = [
    ("Call", "Call"), ("Call", "Discovery call"), ("Email", "Email: intro"),
    ("Email", "Email: follow-up"), ("Meeting", "Demo meeting"), ("Email", "Reply received"),
]

# --- connector shapes: values the loaders land beside the ones leadflow reads ---------------
HUBSPOT_PORTAL_ID = 4_872_113
HUBSPOT_EMAIL_APP_IDS = [113, 113, 113, 20053]  # marketing email (batch) / automated (workflow)
EMAIL_CLICK_REFERERS = [None, None, None, "https://mail.google.com/", "https://outlook.office.com/"]
EMAIL_CLICK_BROWSERS = [
    '{"name": "Chrome 130.0", "family": "Chrome", "producer": "Google Inc.", "type": "Browser"}',
    '{"name": "Safari 17.5", "family": "Safari", "producer": "Apple Inc.", "type": "Browser"}',
    '{"name": "Apple Mail", "family": "Apple Mail", "producer": "Apple Inc.", "type": "Email client"}',
    '{"name": "Firefox 131.0", "family": "Firefox", "producer": "Mozilla Foundation", "type": "Browser"}',
]
EMAIL_CLICK_LOCATIONS = [
    '{"country": "United States", "state": "california", "city": "san francisco"}',
    '{"country": "United States", "state": "new york", "city": "new york"}',
    '{"country": "United Kingdom", "state": "england", "city": "london"}',
    '{"country": "Germany", "state": "berlin", "city": "berlin"}',
    '{"country": "India", "state": "karnataka", "city": "bengaluru"}',
]
# HubSpot engagements a rep logs on a worked contact
ENGAGEMENT_EMAIL_SUBJECTS = [
    "Quick question", "Following up", "Your demo request", "Intro: leadflow", "Pricing for your team",
]
MEETING_TITLES = ["Discovery call", "Demo", "Follow-up meeting", "Pricing review"]
# Salesforce Event (meetings) subjects, and where they happen
EVENT_SUBJECTS = ["Discovery call", "Demo", "Follow-up meeting", "Pricing review"]
EVENT_LOCATIONS = ["Zoom", "Zoom", "Google Meet", "Microsoft Teams", "Phone", "On site"]
SALUTATIONS = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]
STREET_NAMES = ["Main St", "Oak Ave", "Market St", "Harbor Rd", "Station Rd", "Mill Lane"]
CITIES = ["Springfield", "Riverton", "Lakeside", "Fairview", "Georgetown", "Franklin"]
# Segment: UTM parameters (context.campaign) as (source, medium) and campaign names
UTM_SOURCE_MEDIUMS = [
    ("google", "cpc"), ("google", "cpc"), ("linkedin", "paid_social"), ("newsletter", "email"),
    ("g2", "referral"), ("partner", "referral"),
]
UTM_CAMPAIGNS = ["brand", "lead-scoring-guide", "webinar-2026-q3", "retargeting", "routing-launch"]
ANALYTICS_JS_VERSIONS = ["next-1.70.0", "next-1.72.1", "next-1.74.0"]
# track calls sent from the backend (analytics-node) rather than the browser
SERVER_TRACK_EVENTS = ["Signed Up", "Trial Started"]
ANALYTICS_NODE_VERSIONS = ["2.1.2", "2.2.0"]
