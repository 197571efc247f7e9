"""The realistic text pools simulated traffic is drawn from: customer messages and email
subjects, names, addresses, voice transcript turns, a browser user agent. Pure data."""

# (email subject, message text). Used for every channel; the subject only for email.
MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "Water heater replacement price",
        "Hi, how much do you charge to replace a 50 gallon gas water heater?",
    ),
    (
        "Leak under kitchen sink",
        "There's water leaking under my kitchen sink, dripping from the pipe behind the garbage "
        "disposal. Can someone come out today?",
    ),
    ("Saturday hours", "What are your hours on Saturday?"),
    (
        "Emergency - burst pipe",
        "Pipe burst in the garage!! Water everywhere. Do you do emergency calls at night?",
    ),
    (
        "Running toilet",
        "I'd like to book someone to look at a running toilet. Tuesday or Wednesday afternoon "
        "works best.",
    ),
    ("Can I talk to someone?", "Can I talk to a real person please?"),
    ("Thank you!", "Thanks so much, the tech did a great job yesterday 👍"),
    (
        "No hot water",
        "Our water heater stopped making hot water this morning. It's a Rheem, maybe 12 years "
        "old. Worth fixing or should we replace it?",
    ),
    ("Drain cleaning cost", "How much is it to snake a slow bathroom drain?"),
    ("Service area", "Do you service Round Rock or just Austin?"),
    (
        "Tankless water heater quote",
        "Do you install tankless water heaters? Looking for a quote on a Navien.",
    ),
    ("Estimates", "Do you charge for estimates?"),
    (
        "Low water pressure",
        "Water pressure in the shower is really low all of a sudden, the rest of the house seems "
        "fine.",
    ),
    (
        "Need to reschedule",
        "I need to reschedule my appointment on Friday, something came up. Is Monday morning open?",
    ),
    (
        "Is the technician still coming?",
        "Is the technician still coming today? The window was 1-3 and it's 3:15.",
    ),
    ("Insurance claim", "Do you work with home insurance for water damage claims?"),
    (
        "Sewer smell",
        "There's a sewer smell in the downstairs bathroom, it started a couple of days ago.",
    ),
    (
        "Garbage disposal",
        "My garbage disposal just hums and doesn't spin. Can you replace it? How much?",
    ),
    ("Payment options", "Do you take credit cards or only checks?"),
    ("Fuga de agua", "Hola, tengo una fuga de agua debajo del lavabo. ¿Pueden venir hoy?"),
    ("Precio del calentador", "¿Cuánto cuesta cambiar un calentador de agua?"),
    ("Horario", "¿Están abiertos los domingos?"),
    ("Cita para el baño", "Quisiera hacer una cita para revisar el baño. Gracias."),
    (
        "Possible slab leak",
        "I hear water running under the floor when everything is off and the meter keeps "
        "spinning. Slab leak? 😟",
    ),
    (
        "Freeze this weekend",
        "With the freeze coming this weekend, can you come insulate the outdoor pipes?",
    ),
    (
        "Clogged toilet",
        "Toilet is clogged and the plunger isn't doing anything. How soon can you come out?",
    ),
    ("Sunday fee", "Is there an extra fee for coming out on a Sunday?"),
    (
        "Warranty question",
        "You replaced our water heater last year and now it's leaking from the bottom. Is that "
        "under warranty?",
    ),
    ("Gas line for new stove", "Do you do gas line work? Need a line run for a new stove."),
    (
        "Water softener",
        "Looking to get a water softener installed. What brands do you carry and what's the "
        "price range?",
    ),
    ("Repipe quote", "Got your quote for the repipe, $4,800 seems high. Is there any flexibility?"),
    ("Dripping tub faucet", "Bathtub faucet won't stop dripping even when shut off hard."),
    ("Your address", "What's your address? I want to drop off a check."),
    ("See you Thursday", "Thank you! See you Thursday at 10."),
    ("Re: appointment time", "Yes that time works"),
    ("ok", "ok 👍"),
    ("Photos", "I can send photos if that helps"),
    (
        "Double charge on invoice",
        "I want to speak to a manager about my last invoice. I was charged twice.",
    ),
    ("Backflow test", "Need my annual backflow test done for the city. Do you do those?"),
    (
        "Leaky outdoor spigot",
        "Outdoor spigot is leaking at the handle. Small job, is it worth the visit fee?",
    ),
    ("Left you a review", "Just left you guys a 5 star review ⭐⭐⭐⭐⭐"),
    (
        "Availability this week",
        "Any availability this week for a kitchen faucet install? I already bought the faucet.",
    ),
)

EMAIL_FOLLOW_UPS: tuple[str, ...] = (
    "Any update on this?",
    "Thanks for getting back to me. Tuesday morning works for us.",
    "Just following up, we still need someone to come out.",
    "Sounds good, please go ahead and book it.",
    "Sorry, one more question: do you charge a trip fee?",
    "Perfect, thank you!",
    "Can you send the estimate in writing before the visit?",
)

MEDIA_CAPTIONS: tuple[str, ...] = (
    "",
    "Here's a photo",
    "This is what it looks like under the sink",
    "Photo of the water heater label",
    "See the water on the floor",
)

NAMES: tuple[str, ...] = (
    "Maria Garcia",
    "James Johnson",
    "Linda Martinez",
    "Robert Smith",
    "Patricia Brown",
    "Michael Davis",
    "Jennifer Wilson",
    "David Anderson",
    "Elizabeth Thomas",
    "William Taylor",
    "Susan Moore",
    "Richard Jackson",
    "Jessica White",
    "Joseph Harris",
    "Sarah Martin",
    "Thomas Thompson",
    "Karen Lopez",
    "Charles Lee",
    "Nancy Gonzalez",
    "Christopher Clark",
    "Lisa Rodriguez",
    "Daniel Lewis",
    "Betty Walker",
    "Matthew Hall",
    "Sandra Allen",
    "Anthony Young",
    "Ashley Hernandez",
    "Mark King",
    "Emily Nguyen",
    "Juan Ramirez",
    "Olivia Patel",
    "Kevin O'Brien",
)

EMAIL_DOMAINS = ("gmail.example", "outlook.example", "yahoo.example")

STREETS = (
    "Barton Springs Rd",
    "S Lamar Blvd",
    "Burnet Rd",
    "E Cesar Chavez St",
    "Manchaca Rd",
    "Duval St",
    "Airport Blvd",
    "W Slaughter Ln",
    "Koenig Ln",
    "Brodie Ln",
)

VOICE_ISSUES: tuple[str, ...] = (
    "Hi, yeah, my water heater is leaking from the bottom and there's a puddle in the garage.",
    "Hi, our kitchen sink is backed up and the dishwasher won't drain either.",
    "Hello, I think a pipe burst in the wall, I can hear water running.",
    "Hey, I wanted to get a price on replacing a toilet, it keeps running and cracking.",
    "Hi, we have no hot water since last night.",
    "Yes hi, I'm calling about the appointment I have on Friday, I need to move it.",
    "Hola, tengo una fuga en el baño, ¿alguien habla español?",
    "Hi, there's a strong sewer smell coming from the basement drain.",
    "Hi, I'm looking for a quote on a tankless water heater.",
    "Hello, the outdoor faucet froze and now it's spraying water.",
)

VOICE_GREETINGS: tuple[str, ...] = (
    "Thanks for calling, this is the virtual assistant. How can I help you today?",
    "Hi, thanks for calling! What can I do for you?",
    "Good morning, thanks for calling. How can I help?",
)

VOICE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Can I get your name, please?", "Sure, it's {name}."),
    ("What's the address where you need the service?", "It's {street}, here in Austin."),
    ("Were you able to shut the water off?", "Yeah, I closed the valve, so it's okay for now."),
    ("Roughly how old is the unit?", "Probably ten or twelve years, it came with the house."),
    ("Is this the best number to reach you at?", "Yes, this number is fine."),
    ("Would tomorrow morning between 8 and 10 work?", "Tomorrow morning works."),
    ("Is anything damaged, like the ceiling or floors?", "Just some wet drywall, I think."),
)

VOICE_CLOSINGS: tuple[tuple[str, str], ...] = (
    (
        "Great, I've noted everything and someone from the team will confirm by text shortly.",
        "Okay, thank you so much.",
    ),
    (
        "Perfect. A technician will call you about 30 minutes before arriving.",
        "Sounds good, thanks.",
    ),
    ("Got it. I'll have a team member call you back within the hour.", "Great, thank you."),
)

VOICE_GOODBYES = ("You're welcome, have a great day!", "Thanks for calling, bye now!")

BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
