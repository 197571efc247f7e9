"""Demo workspace content: a believable plumbing and heating company for the demo inbox.

Brightwater Plumbing & Heating is a fictional, family-run plumbing and heating company in
Austin, Texas. This module is pure data - the demo loader turns it into a workspace with
channels, users, a knowledge base and a month of conversations.

Conventions:
- All phone numbers are in the fictional 555-01XX range and all email addresses use .example
  domains. Contact phones are unique and fall in +15125550102..+15125550189.
- Times are relative to the moment the demo is seeded: ``started_hours_ago`` is when a
  conversation's first message or call happened, message/call/note ``minutes`` are offsets from
  that start, and appointment ``starts_in_hours`` is relative to now (negative = in the past).
- Weekday names in booking messages ("Tue 1:00 PM") are flavor text; the real appointment time
  is ``starts_in_hours``.
- Exactly one conversation is opted out (an SMS thread ending in STOP).
"""

from __future__ import annotations

from typing import Any

# The business profile (hours are local to the timezone).
BUSINESS: dict[str, Any] = {
    "slug": "brightwater",
    "name": "Brightwater Plumbing & Heating",
    "timezone": "America/Chicago",
    "business_hours": {
        "mon": [["07:30", "18:00"]],
        "tue": [["07:30", "18:00"]],
        "wed": [["07:30", "18:00"]],
        "thu": [["07:30", "18:00"]],
        "fri": [["07:30", "18:00"]],
        "sat": [["08:00", "14:00"]],
        "sun": [],
    },
    "after_hours_note": (
        "Our office is closed right now - regular hours are Mon-Fri 7:30 AM-6:00 PM and Sat 8:00 "
        "AM-2:00 PM. For a plumbing emergency (burst pipe, major leak, sewage backup, no heat in "
        "freezing weather) call our 24/7 line at (512) 555-0199."
    ),
    "help_text": (
        "Brightwater Plumbing & Heating: text here or call (512) 555-0100 to reach our team. 24/7 "
        "emergencies: (512) 555-0199. Reply STOP to opt out."
    ),
    "holding_reply": (
        "Thanks - I've asked a member of the Brightwater team to get back to you shortly."
    ),
    "sms_allowance": 2000,
    "alert_phone": "+15125550190",
    "alert_email": "dana@brightwater-plumbing.example",
}

# Inbound addresses: traffic is routed to the workspace by these.
CHANNELS: list[dict[str, Any]] = [
    {"kind": "sms", "address": "+15125550100", "provider": "twilio", "label": "AI number"},
    {"kind": "voice", "address": "+15125550100", "provider": "twilio", "label": "AI number"},
    {"kind": "whatsapp", "address": "+15125550101", "provider": "twilio", "label": "WhatsApp"},
    {
        "kind": "email",
        "address": "hello@brightwater-plumbing.example",
        "provider": "mailgun",
        "label": "Front desk email",
    },
    {
        "kind": "webchat",
        "address": "wk_brightwater_demo",
        "provider": "widget",
        "label": "Website chat",
        "config": {"allowed_origins": ["http://127.0.0.1:8000", "http://localhost:8000"]},
    },
]

# Team members: one owner, one manager, one operator.
USERS: list[dict[str, Any]] = [
    {
        "email": "dana@brightwater-plumbing.example",
        "display_name": "Dana Whitfield",
        "role": "owner",
        "phone": "+15125550190",
        "receives_alerts": True,
    },
    {
        "email": "marcus@brightwater-plumbing.example",
        "display_name": "Marcus Reyes",
        "role": "manager",
        "phone": "+15125550191",
        "receives_alerts": True,
    },
    {
        "email": "jamie@brightwater-plumbing.example",
        "display_name": "Jamie Ortega",
        "role": "operator",
        "phone": "+15125550192",
        "receives_alerts": False,
    },
]

# Knowledge base the AI answers from. Prices and policies here are the source of truth for the
# AI replies in CONVERSATIONS.
KNOWLEDGE: list[dict[str, Any]] = [
    {
        "question": "Do you charge for estimates?",
        "answer": (
            "Estimates are free for larger projects: water heater replacements, tankless "
            "conversions, repiping, water softeners, gas line work and sewer line repairs. For "
            "repairs and for diagnosing a problem we charge an $89 service call fee, which is "
            "credited toward the repair if you go ahead with the work on the same visit. Written "
            "estimates are good for 30 days."
        ),
        "tags": ["pricing", "estimates"],
    },
    {
        "question": "What is your service call fee?",
        "answer": (
            "The service call fee is $89 during business hours (Mon-Fri 7:30 AM-6:00 PM, Sat 8:00 "
            "AM-2:00 PM). It covers the trip and the diagnosis, and it's credited toward the "
            "repair if you approve the work on the same visit. Emergency visits after hours, on "
            "Sundays and on holidays have a $189 after-hours call fee instead. Saturday daytime "
            "appointments are billed at regular rates."
        ),
        "tags": ["pricing"],
    },
    {
        "question": "What are your business hours?",
        "answer": (
            "Our office and regular appointments run Monday to Friday 7:30 AM to 6:00 PM and "
            "Saturday 8:00 AM to 2:00 PM. We're closed Sundays for regular appointments. Emergency "
            "service is available 24/7 at (512) 555-0199, and you can text this number any time - "
            "our assistant answers around the clock and can book appointments."
        ),
        "tags": ["hours"],
    },
    {
        "question": "Do you offer 24/7 emergency service?",
        "answer": (
            "Yes. For burst pipes, major leaks, sewage backups, no water, or no heat in freezing "
            "weather, call our emergency line at (512) 555-0199 any time, day or night, and the "
            "on-call technician will be dispatched. In our core service area the tech typically "
            "arrives within 60-90 minutes. After-hours, Sunday and holiday emergency visits have a "
            "$189 call fee plus the cost of the repair, and we always confirm that fee before "
            "dispatching."
        ),
        "tags": ["emergency", "pricing"],
    },
    {
        "question": "What areas do you serve?",
        "answer": (
            "We serve Austin, Round Rock, Cedar Park, Pflugerville, Georgetown (including Sun "
            "City), Leander, Hutto, Lakeway, Bee Cave, Manor and Sunset Valley at our regular "
            "rates. We also go to Buda, Kyle and Dripping Springs with a $40 extended-area trip "
            "charge."
        ),
        "tags": ["service-area"],
    },
    {
        "question": "What should I do if a pipe bursts or I have a big leak?",
        "answer": (
            "1) Shut off the water at the main shut-off valve right away. 2) Turn off the water "
            "heater: set a gas heater to 'Pilot' or 'Vacation', or switch an electric heater off "
            "at the breaker. 3) Open a faucet on the lowest floor to drain the pressure out of the "
            "pipes. 4) If water is near outlets, light fixtures or the electrical panel, stay "
            "clear and turn off power to that area at the breaker only if you can do it from a dry "
            "spot. 5) Move valuables away and take photos for insurance. Then call our 24/7 "
            "emergency line at (512) 555-0199."
        ),
        "tags": ["emergency", "leaks", "safety"],
    },
    {
        "question": "Where is my main water shut-off valve?",
        "answer": (
            "In most Austin-area homes there are two places to shut off the water. The homeowner "
            "valve is usually where the water line enters the house: in the garage, near the water "
            "heater, or on an outside wall facing the street, sometimes in a small ground box. The "
            "city valve is in the meter box near the curb and usually needs a meter key or a large "
            "adjustable wrench; turn it a quarter turn so the handle sits across the pipe. Our "
            "techs are happy to show you where yours is on any visit."
        ),
        "tags": ["leaks", "emergency"],
    },
    {
        "question": "How do I shut off water to just one fixture?",
        "answer": (
            "Most sinks and toilets have small shut-off valves (angle stops) on the supply lines "
            "underneath or behind them. Turn the handle clockwise until it stops. If a valve is "
            "stuck or drips when you turn it, don't force it - shut off the main instead and we "
            "can replace the stop."
        ),
        "tags": ["leaks", "fixtures"],
    },
    {
        "question": "I smell gas. What should I do?",
        "answer": (
            "Leave the house right away with everyone, including pets. Don't flip light switches, "
            "start a car in the garage, light anything, or use your phone until you're outside and "
            "away from the house. From a safe distance, call 911 or your gas utility's emergency "
            "line. Once the utility has made it safe, our licensed gas technicians can find and "
            "repair the leak, pressure-test the line and get your appliances back on."
        ),
        "tags": ["gas", "safety", "emergency"],
    },
    {
        "question": "How much does drain cleaning cost?",
        "answer": (
            "Clearing a standard sink, tub, shower or toilet clog starts at $149 during business "
            "hours. Main sewer line clearing through an accessible cleanout starts at $249, and "
            "hydro-jetting starts at $450. If there's no accessible cleanout, the tech will give "
            "you a firm price before starting. We can add a camera inspection afterward to see "
            "what caused the clog."
        ),
        "tags": ["drains", "pricing"],
    },
    {
        "question": "Do you do sewer camera inspections?",
        "answer": (
            "Yes. A sewer camera inspection is $225 and includes a video recording emailed to you "
            "the same day, plus the location and depth of any problem we find (roots, bellies, "
            "cracks, offset joints). It's popular with home buyers during the option period; we "
            "can usually schedule within 1-2 business days. If the camera finds a problem and we "
            "do the repair, the $225 is credited toward it."
        ),
        "tags": ["sewer", "pricing", "home-buyers"],
    },
    {
        "question": "How much does a new water heater cost?",
        "answer": (
            "A standard 40-50 gallon tank water heater replacement typically runs $1,900-$3,200 "
            "installed, depending on gas vs. electric, the location (attic installs cost more) and "
            "code upgrades such as an expansion tank, drain pan or new venting. The price includes "
            "the permit, installation and haul-away of the old heater. We give you a firm written "
            "quote for free before any work starts."
        ),
        "tags": ["water-heaters", "pricing"],
    },
    {
        "question": "Do you install tankless water heaters?",
        "answer": (
            "Yes, we install Rinnai and Navien gas tankless water heaters. Converting from a tank "
            "typically costs $3,800-$5,500 installed, depending mostly on whether the gas line "
            "needs upsizing and how the unit is vented. The in-home estimate is free. Because "
            "Austin-area water is hard, we recommend an annual descaling service ($189)."
        ),
        "tags": ["water-heaters", "tankless", "pricing"],
    },
    {
        "question": "How long does a water heater replacement take?",
        "answer": (
            "A tank-for-tank swap usually takes 3-4 hours. A tankless conversion is usually a full "
            "day. We stock 40 and 50 gallon gas and electric tanks (Bradford White and Rheem), so "
            "most replacements can be done the same or next day."
        ),
        "tags": ["water-heaters", "booking"],
    },
    {
        "question": "Do you do leak detection?",
        "answer": (
            "Yes, including slab leaks. Leak detection is $295 and usually takes 1-2 hours. We use "
            "acoustic listening equipment and thermal imaging to pinpoint the leak so we only open "
            "what we need to. Common signs of a hidden leak: a sudden jump in the water bill, the "
            "sound of running water when everything is off, warm or damp spots on the floor, or "
            "the leak indicator on the meter moving with all fixtures off."
        ),
        "tags": ["leak-detection", "leaks", "pricing"],
    },
    {
        "question": "Do you do repiping?",
        "answer": (
            "Yes. We repipe homes with PEX-A or copper. A whole-home repipe for a typical 2-bath "
            "house runs about $6,500-$11,000, usually takes 2-4 days, and your water is back on "
            "every evening. The price includes the permit and patching the small drywall openings "
            "(paint is not included). Estimates are free, and repipes carry a 10-year workmanship "
            "warranty. We often recommend repiping for polybutylene pipe or for copper with "
            "repeated pinhole leaks."
        ),
        "tags": ["repiping", "pricing", "estimates"],
    },
    {
        "question": "Do you do gas line work?",
        "answer": (
            "Yes. Our licensed gas technicians install new gas lines for ranges, dryers, outdoor "
            "kitchens, grills, fire pits, generators and tankless water heaters, and we repair gas "
            "leaks. Every new line is pressure-tested, and the city permit and inspection are "
            "included in the quote. Estimates for new lines are free; a simple appliance hookup "
            "starts at $225."
        ),
        "tags": ["gas", "pricing"],
    },
    {
        "question": "Do you install water softeners?",
        "answer": (
            "Yes. Water in the Austin area is hard, so many customers see white crust on fixtures "
            "and spots on dishes. The estimate is free and includes a water hardness test. An "
            "installed softener typically costs $1,800-$3,200; if your home already has a softener "
            "loop it's usually at the lower end of that range. We can also install drinking water "
            "filters at the kitchen sink."
        ),
        "tags": ["water-softeners", "pricing", "estimates"],
    },
    {
        "question": "Do you repair furnaces and boilers?",
        "answer": (
            "Yes. We repair and replace gas furnaces, and we service hot-water (hydronic) boilers "
            "and radiator systems, including older cast-iron boilers. The diagnostic visit is the "
            "$89 service call, credited toward the repair. If your furnace or boiler won't light "
            "and you smell gas, leave the house and call 911 or your gas utility first."
        ),
        "tags": ["heating", "pricing"],
    },
    {
        "question": "Do you work on air conditioning?",
        "answer": (
            "No - we're plumbing and heating only, so we don't repair or install central air "
            "conditioning. For AC we refer customers to our friends at Hill Country Cooling, (512) "
            "555-0177."
        ),
        "tags": ["heating", "referrals"],
    },
    {
        "question": "How much do fixture installs cost (faucets, toilets, disposals)?",
        "answer": (
            "Installing a faucet starts at $195 and a toilet at $275. Replacing a garbage disposal "
            "starts at $325 with a new 1/2 HP unit or $425 with a 3/4 HP unit, parts included. "
            "We're happy to install fixtures you've bought yourself; in that case our warranty "
            "covers the labor and the manufacturer covers the fixture."
        ),
        "tags": ["fixtures", "pricing"],
    },
    {
        "question": "How much does it cost to fix a running toilet?",
        "answer": (
            "A running toilet usually needs a new flapper or fill valve. That repair typically "
            "costs $150-$250 total, including the $89 service call."
        ),
        "tags": ["fixtures", "pricing"],
    },
    {
        "question": "Are you licensed and insured?",
        "answer": (
            "Yes. Brightwater's plumbing work is done under Master Plumber license M-40123 issued "
            "by the Texas State Board of Plumbing Examiners (license holder: Ray Whitfield), and "
            "our heating work under TDLR air conditioning and refrigeration contractor license "
            "TACLA31877C. We carry $2 million in general liability insurance plus workers' "
            "compensation, and we can email a certificate of insurance on request."
        ),
        "tags": ["licensing", "about"],
    },
    {
        "question": "What warranty do you offer?",
        "answer": (
            "Repairs: 1 year on parts and labor. New installations of equipment we supply (water "
            "heaters, softeners, disposals, fixtures): 2 years on labor, plus the manufacturer's "
            "parts warranty (6-12 years on most water heaters). Repipes: 10-year workmanship "
            "warranty. Fixtures you supply: 1 year on our labor. Warranty visits are free. "
            "Manufacturer warranties stay with the home, and our labor warranty transfers to a new "
            "owner if they let us know."
        ),
        "tags": ["warranty"],
    },
    {
        "question": "What payment methods do you accept?",
        "answer": (
            "We accept Visa, Mastercard, American Express, Discover, Apple Pay, Google Pay, checks "
            "and cash. We don't accept Zelle or Venmo. Payment is due when the work is complete. "
            "Jobs over $5,000 (such as repipes) need a 30% deposit to reserve the dates."
        ),
        "tags": ["payments"],
    },
    {
        "question": "Do you offer financing?",
        "answer": (
            "Yes, for jobs over $1,000 through our lending partner. Options include 12 months "
            "same-as-cash on approved credit or longer terms with fixed monthly payments. Checking "
            "your rate takes about 2 minutes and is a soft credit check, so it won't affect your "
            "score. Ask your technician, or we can text you the application link."
        ),
        "tags": ["financing", "payments"],
    },
    {
        "question": "How do I book an appointment?",
        "answer": (
            "Text or call (512) 555-0100, email hello@brightwater-plumbing.example, or use the "
            "chat on our website. We'll offer you open start times; the technician arrives within "
            "a 1-hour window of the start time and texts you about 30 minutes before arriving. "
            "Same-day appointments are usually available for repairs requested before noon on "
            "weekdays."
        ),
        "tags": ["booking"],
    },
    {
        "question": "What is your cancellation policy?",
        "answer": (
            "You can cancel or reschedule for free up to 24 hours before your appointment - just "
            "reply to your confirmation text. Cancellations with less than 24 hours' notice, or "
            "appointments where nobody is home when the tech arrives, have a $50 trip fee."
        ),
        "tags": ["cancellation", "booking", "policies"],
    },
    {
        "question": "Do I need to be home for the appointment?",
        "answer": (
            "An adult (18+) needs to be there at the start to show the tech the problem and at the "
            "end to approve the work. For vacant homes, a realtor or property manager can give "
            "access. Tenants need the owner's or property manager's authorization before we start "
            "work."
        ),
        "tags": ["booking", "policies"],
    },
    {
        "question": "Do you work with landlords and property managers?",
        "answer": (
            "Yes. We can bill the owner or property manager directly, include a PO number on the "
            "invoice, and coordinate access with the tenant. We just need authorization from the "
            "owner or manager, plus a not-to-exceed amount if they'd like one."
        ),
        "tags": ["property-managers", "payments"],
    },
    {
        "question": "Do you accept home warranty companies?",
        "answer": (
            "We're not a contracted provider for home warranty companies, so we can't accept their "
            "dispatches. We're happy to do the work directly and give you an itemized invoice to "
            "submit for reimbursement."
        ),
        "tags": ["payments", "policies"],
    },
    {
        "question": "Do you pull permits?",
        "answer": (
            "Yes. We pull the city permit for water heater installs, repipes, gas lines and sewer "
            "line replacements; the permit cost is included in your quote, and we schedule the "
            "city inspection after the work. We can email you a copy of the permit for your HOA or "
            "records."
        ),
        "tags": ["permits"],
    },
    {
        "question": "Do you offer any discounts?",
        "answer": (
            "Yes: 10% off labor (up to $150) for seniors 65+, active military and veterans, "
            "teachers and first responders. Care Club members get 15% off repairs. Discounts can't "
            "be combined."
        ),
        "tags": ["discounts", "pricing"],
    },
    {
        "question": "What is the Brightwater Care Club?",
        "answer": (
            "Our maintenance membership is $14.99 a month or $159 a year. It includes a yearly "
            "water heater flush or tankless descale, a whole-home plumbing inspection, no service "
            "call fee, priority scheduling, and 15% off repairs. You can cancel any time."
        ),
        "tags": ["membership", "pricing"],
    },
    {
        "question": "How do I protect my pipes before a freeze?",
        "answer": (
            "Disconnect garden hoses and put insulated covers on outdoor faucets. Insulate exposed "
            "pipes in the attic and garage. Open cabinet doors under sinks on outside walls and "
            "let those faucets drip (with single-handle faucets, set the handle in the middle so "
            "both hot and cold drip). Keep the thermostat at 55F or higher, even when you're away, "
            "and make sure you know where your main shut-off is. If a pipe freezes, thaw it with a "
            "hair dryer, never an open flame; if it bursts, shut off the main and call (512) "
            "555-0199."
        ),
        "tags": ["freeze", "emergency"],
    },
    {
        "question": "Why is my water pressure too high or too low?",
        "answer": (
            "Many Austin neighborhoods have high street pressure, and homes above 80 psi need a "
            "working pressure reducing valve (PRV). A failing PRV can cause high pressure (banging "
            "pipes, running toilets) or low pressure. We test your water pressure for free on any "
            "visit; replacing a PRV usually costs $450-$750. Low pressure in just one fixture is "
            "often a clogged aerator or cartridge."
        ),
        "tags": ["water-pressure", "pricing"],
    },
    {
        "question": "Do you speak Spanish?",
        "answer": (
            "Yes - hablamos español. Several of our technicians and office staff speak Spanish, "
            "and you can text or chat with us in Spanish any time."
        ),
        "tags": ["spanish", "about"],
    },
    {
        "question": "Can I send photos of the problem?",
        "answer": (
            "Yes, please do. Text or WhatsApp photos or a short video of the problem, the water "
            "heater label, or the area around it. It helps us give a ballpark price and make sure "
            "the tech brings the right parts."
        ),
        "tags": ["booking"],
    },
    {
        "question": "Who will come to my home?",
        "answer": (
            "All of our technicians are Brightwater employees, not subcontractors. They're "
            "uniformed, background-checked and drug-tested, and they wear shoe covers and put down "
            "drop cloths. You'll get a text with your technician's name about 30 minutes before "
            "they arrive."
        ),
        "tags": ["about", "booking"],
    },
    {
        "question": "Who owns Brightwater?",
        "answer": (
            "Brightwater Plumbing & Heating is a family-run company founded in 2004 by Ray and "
            "Dana Whitfield. Ray is our master plumber, and Dana runs the office. We're based in "
            "north Austin."
        ),
        "tags": ["about"],
    },
]

# Conversations, grouped by channel. Each entry is one contact's thread.
CONVERSATIONS: list[dict[str, Any]] = [
    # c01 - SMS booking flow: slow kitchen drain, customer picks slot 2
    {
        "key": "c01",
        "contact": {"name": "Maria Gonzalez", "phone": "+15125550102", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 5.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi my kitchen sink is draining super slow and now theres standing water in "
                    "it. Can someone come look this week?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Maria, sorry about the sink! That sounds like a clog in the kitchen drain "
                    "line. Clearing a standard sink clog starts at $149 during business hours, and "
                    "the tech confirms the price before starting. These times are open: 1) Tue "
                    "9:00 AM 2) Tue 1:00 PM 3) Wed 10:30 AM. Reply 1, 2 or 3."
                ),
                "minutes": 0.2,
            },
            {"from": "customer", "body": "2", "minutes": 3},
            {
                "from": "ai",
                "body": "Great - Tue 1:00 PM it is. What's the service address?",
                "minutes": 3.1,
            },
            {"from": "customer", "body": "1907 Kinney Ave 78704", "minutes": 5},
            {
                "from": "ai",
                "body": (
                    "Thanks Maria, you're booked: Tue 1:00 PM, kitchen drain cleaning at 1907 "
                    "Kinney Ave. The tech will text about 30 minutes before arriving. Tip: skip "
                    "chemical drain cleaners until then - they're hard on pipes."
                ),
                "minutes": 5.2,
            },
            {"from": "customer", "body": "perfect thank you!! 🙏", "minutes": 6},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 27.0,
                "duration_minutes": 60,
                "title": "Kitchen drain cleaning",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c02 - SMS: leaking water heater, same-day visit, Jamie takes over with a quote
    {
        "key": "c02",
        "contact": {"name": "Tyler Brooks", "phone": "+15125550103", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "human",
        "escalation_reason": None,
        "lead_status": "Quoted",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 30.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "water heater is leaking from the bottom, theres a puddle in the garage. is "
                    "that bad??"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Tyler - a leak from the bottom of the tank usually means the tank itself "
                    "is failing, so it's worth dealing with today. For now, turn the cold water "
                    "valve on top of the heater clockwise to off, and if it's gas set the control "
                    "knob to 'Pilot' (electric: switch it off at the breaker). Same-day openings: "
                    "1) Today 11:00 AM 2) Today 2:30 PM. The $89 service call is credited toward "
                    "the work if you go ahead."
                ),
                "minutes": 0.3,
            },
            {
                "from": "customer",
                "body": "1 please. its a gas one, 50 gallon I think",
                "minutes": 4,
            },
            {
                "from": "ai",
                "body": "You're booked for today at 11:00 AM. What's the address?",
                "minutes": 4.2,
            },
            {"from": "customer", "body": "812 Cedar Elm Ln, Round Rock", "minutes": 6},
            {
                "from": "ai",
                "body": (
                    "Got it - 812 Cedar Elm Ln, Round Rock, today at 11:00 AM. The tech will text "
                    "when he's on the way."
                ),
                "minutes": 6.2,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "Hi Tyler, this is Jamie at Brightwater. As Luis mentioned, the tank is rusted "
                    "through, so it needs replacing. Quote for a 50-gal Bradford White gas heater "
                    "with new drain pan, expansion tank, permit and haul-away is $2,850. We can "
                    "install tomorrow morning. Want me to lock that in?"
                ),
                "minutes": 330,
            },
            {
                "from": "customer",
                "body": "thats more than I was hoping for tbh. do you do financing?",
                "minutes": 345,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "We do - 12 months same-as-cash on approved credit for jobs over $1,000, and "
                    "checking your rate is a soft pull so it won't affect your score. Sending the "
                    "application link now."
                ),
                "minutes": 350,
            },
            {
                "from": "customer",
                "body": "ok let me talk to my wife tonight and ill let you know",
                "minutes": 380,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -26.5,
                "duration_minutes": 90,
                "title": "Water heater leak diagnosis",
                "status": "completed",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Quoted $2,850 for 50-gal gas heater incl. pan, expansion tank, permit + "
                    "haul-away. Old unit is 14 yrs, tank rusted at the base. Water is shut off at "
                    "the heater - follow up tomorrow AM."
                ),
                "minutes": 335,
            },
        ],
    },
    # c03 - SMS opt-out: repipe question, follow-up, customer replies STOP
    {
        "key": "c03",
        "contact": {"name": "Kevin Marsh", "phone": "+15125550104", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Lost",
        "lead_temperature": "COLD",
        "opted_out": True,
        "started_hours_ago": 480.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "How much is it to repipe a house? Ours is 1984 with polybutylene and the "
                    "insurance company is on us about it"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Kevin - good call, insurers often flag polybutylene. A whole-home PEX "
                    "repipe for a typical 2-bath house runs about $6,500-$11,000 depending on size "
                    "and layout, usually takes 2-4 days, and your water is back on every evening. "
                    "The estimate is free. Want me to set one up?"
                ),
                "minutes": 0.3,
            },
            {"from": "customer", "body": "yikes. ok let me think about it", "minutes": 6},
            {
                "from": "ai",
                "body": (
                    "No problem. Financing is available for jobs over $1,000 if that helps. Just "
                    "text here whenever you're ready."
                ),
                "minutes": 6.2,
            },
            {
                "from": "automation",
                "body": (
                    "Hi Kevin, it's Brightwater Plumbing & Heating following up on your repipe "
                    "question. Would you like to book a free estimate? Reply YES and we'll send "
                    "some times."
                ),
                "minutes": 4320,
            },
            {"from": "customer", "body": "STOP", "minutes": 4455},
            {
                "from": "automation",
                "body": (
                    "You have been unsubscribed from Brightwater Plumbing & Heating. No more "
                    "messages will be sent. Reply START to resubscribe."
                ),
                "minutes": 4455.1,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c04 - SMS escalated (asked for a person): sewage backup, Marcus takes over
    {
        "key": "c04",
        "contact": {"name": "Greg Patterson", "phone": "+15125550105", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "escalated",
        "managed_by": "human",
        "escalation_reason": "asked_for_person",
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 2.2,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Sewage coming up in the downstairs shower when the washing machine drains. "
                    "Gross. What do I do"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Greg, sorry - that usually points to a blockage in the main sewer line. "
                    "Please hold off on running water (washer, dishwasher, showers) until it's "
                    "cleared so it doesn't overflow. Main line clearing through an accessible "
                    "cleanout starts at $249. Earliest opening is today at 3:00 PM - want it?"
                ),
                "minutes": 0.2,
            },
            {"from": "customer", "body": "Can I talk to a real person please", "minutes": 2},
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 2.1,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Hi Greg, Marcus here, service manager at Brightwater. I can get a tech to you "
                    "by 1:30 instead of 3 - a job just wrapped early. Do you know if you have a "
                    "cleanout in the yard? Usually a white pipe with a cap near the house."
                ),
                "minutes": 9,
            },
            {
                "from": "customer",
                "body": "yes there's one on the side of the house by the AC unit. 1:30 works",
                "minutes": 12,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Perfect. Ruben will be there at 1:30 and will text when he's close. Keep the "
                    "water off until then."
                ),
                "minutes": 13,
            },
            {"from": "customer", "body": "thank you", "minutes": 14},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 0.4,
                "duration_minutes": 90,
                "title": "Main sewer line clearing",
                "status": "booked",
                "source": "operator",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "Moved Ruben from the 1:30 Hutto estimate (rescheduled to tomorrow). Cleanout "
                    "on the side yard by the AC condenser."
                ),
                "minutes": 13,
            },
        ],
    },
    # c05 - SMS sarcastic customer: running toilet, books slot 3
    {
        "key": "c05",
        "contact": {"name": "Brandon Kowalski", "phone": "+15125550106", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 52.0,
        "messages": [
            {"from": "customer", "body": "let me guess, I'm texting a robot", "minutes": 0},
            {
                "from": "ai",
                "body": (
                    "Guilty - I'm Brightwater's AI assistant. I can answer questions and book "
                    "appointments, and a person from our team can jump in any time. What's going "
                    "on?"
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": (
                    "oh fantastic. love that for me. my toilet runs all night like it's training "
                    "for a marathon"
                ),
                "minutes": 1.5,
            },
            {
                "from": "ai",
                "body": (
                    "A running toilet is usually a worn flapper or fill valve - a quick fix. That "
                    "repair typically costs $150-$250 total, including the $89 service call. Open "
                    "times: 1) Thu 8:00 AM 2) Thu 12:30 PM 3) Fri 10:00 AM."
                ),
                "minutes": 1.7,
            },
            {"from": "customer", "body": "wow an actual number. color me shocked. 3", "minutes": 5},
            {
                "from": "ai",
                "body": "Booked: Fri 10:00 AM, running toilet repair. What's the address?",
                "minutes": 5.1,
            },
            {"from": "customer", "body": "4102 Speedway apt 3", "minutes": 7},
            {
                "from": "ai",
                "body": (
                    "Thanks Brandon, you're all set for Fri 10:00 AM at 4102 Speedway, Apt 3. The "
                    "tech will text about 30 minutes before arriving."
                ),
                "minutes": 7.2,
            },
            {"from": "customer", "body": "ok fine, the robot did good 👍", "minutes": 8},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 20.0,
                "duration_minutes": 60,
                "title": "Running toilet repair",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c06 - SMS live: quick hours question and faucet price
    {
        "key": "c06",
        "contact": {"name": "Destiny Williams", "phone": "+15125550107", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 0.3,
        "messages": [
            {"from": "customer", "body": "r u guys open saturday", "minutes": 0},
            {
                "from": "ai",
                "body": (
                    "Hi! Yes - Saturdays 8:00 AM to 2:00 PM, and weekdays 7:30 AM to 6:00 PM. Want "
                    "me to check Saturday openings for you?"
                ),
                "minutes": 0.1,
            },
            {
                "from": "customer",
                "body": "maybe. how much to put in a kitchen faucet if I already bought it",
                "minutes": 4,
            },
            {
                "from": "ai",
                "body": (
                    "Installing a faucet you've already bought starts at $195, including hookup to "
                    "your existing supply lines and a leak check. Our warranty covers the labor "
                    "and the manufacturer covers the faucet. Want a Saturday time?"
                ),
                "minutes": 4.2,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c07 - SMS gone quiet: water softener interest, automated follow-up unanswered
    {
        "key": "c07",
        "contact": {"name": "Aaron Lindqvist", "phone": "+15125550108", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Contacted",
        "lead_temperature": "COLD",
        "opted_out": False,
        "started_hours_ago": 400.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "hey do you guys do water softeners? the spots on our glasses are out of "
                    "control lol"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Aaron - yes! Water around Austin is hard, so spotty glasses are really "
                    "common. Installed softeners typically run $1,800-$3,200, and if your house "
                    "has a softener loop it's usually at the lower end. The estimate is free and "
                    "includes a water hardness test. Want to set one up?"
                ),
                "minutes": 0.3,
            },
            {
                "from": "customer",
                "body": (
                    "we're in cedar park, not sure if we have a loop. maybe next month, money's a "
                    "bit tight right now"
                ),
                "minutes": 20,
            },
            {
                "from": "ai",
                "body": (
                    "Totally understand. Cedar Park is in our regular service area. If it helps, "
                    "financing is available for jobs over $1,000, including 12 months same-as-cash "
                    "on approved credit. Just text here whenever you're ready."
                ),
                "minutes": 20.2,
            },
            {
                "from": "automation",
                "body": (
                    "Hi Aaron, it's Brightwater Plumbing & Heating. Still thinking about a water "
                    "softener? Reply here and we'll get your free water test scheduled. Reply STOP "
                    "to opt out."
                ),
                "minutes": 10080,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c08 - SMS won: pinhole leaks, repipe estimate, job done, happy customer
    {
        "key": "c08",
        "contact": {
            "name": "Linda Hartman",
            "phone": "+15125550109",
            "email": "linda.hartman@gmail.example",
        },
        "channel": "sms",
        "subject": None,
        "status": "closed",
        "managed_by": "human",
        "escalation_reason": None,
        "lead_status": "Won",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 650.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi, this is Linda on Shoal Creek Blvd. We have a pinhole leak again, the 3rd "
                    "one this year. Copper pipes. I think it's time to talk about repiping."
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Linda - I'm sorry, repeat pinhole leaks in copper are a common sign that a "
                    "repipe makes sense. A whole-home PEX repipe for a typical 2-bath house runs "
                    "about $6,500-$11,000, and the estimate is free. Openings: 1) Mon 9:00 AM 2) "
                    "Mon 3:00 PM 3) Tue 11:00 AM."
                ),
                "minutes": 0.3,
            },
            {"from": "customer", "body": "Monday at 9 please", "minutes": 12},
            {
                "from": "ai",
                "body": (
                    "Booked - Mon 9:00 AM free repipe estimate. What's the house number on Shoal "
                    "Creek Blvd?"
                ),
                "minutes": 12.1,
            },
            {"from": "customer", "body": "5210", "minutes": 15},
            {
                "from": "ai",
                "body": "Thanks Linda, you're all set for Mon 9:00 AM at 5210 Shoal Creek Blvd.",
                "minutes": 15.1,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "Hi Linda, Jamie from Brightwater. Thanks for having Marcus out today. Your "
                    "written quote for the full PEX-A repipe is $8,900 including the permit and "
                    "drywall patches. We can start a week from Monday and the crew expects 3 days."
                ),
                "minutes": 2900,
            },
            {
                "from": "customer",
                "body": "That's within what we budgeted. Let's do it.",
                "minutes": 2960,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "Wonderful! You're on the schedule. We need the 30% deposit ($2,670) to hold "
                    "the dates - I'll email you a secure payment link."
                ),
                "minutes": 2975,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "Hi Linda, just checking in now that the repipe is finished and the city "
                    "inspection passed. How is everything?"
                ),
                "minutes": 26000,
            },
            {
                "from": "customer",
                "body": (
                    "Water pressure is amazing and the guys were so tidy. Thank you! I left you a "
                    "Google review."
                ),
                "minutes": 26100,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "That means a lot - thank you, Linda! Your 10-year workmanship warranty "
                    "certificate is in your email."
                ),
                "minutes": 26110,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -603.5,
                "duration_minutes": 60,
                "title": "Free repipe estimate",
                "status": "completed",
                "source": "ai",
            },
            {
                "starts_in_hours": -430.0,
                "duration_minutes": 480,
                "title": "Whole-home PEX repipe (3 days)",
                "status": "completed",
                "source": "operator",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "Estimate: 2 bath / ~1,850 sq ft slab home, copper with 3 pinhole repairs this "
                    "year. Quoted $8,900 PEX-A repipe incl. permit + drywall patches (paint "
                    "excluded)."
                ),
                "minutes": 2880,
            },
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": "City final inspection passed. Balance paid by card. Asked for a review.",
                "minutes": 26020,
            },
        ],
    },
    # c09 - SMS escalated (cant_answer): asks about solar panels
    {
        "key": "c09",
        "contact": {"name": "Nathan Cole", "phone": "+15125550110", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "escalated",
        "managed_by": "ai",
        "escalation_reason": "cant_answer",
        "lead_status": "New",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 8.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hey, we're redoing some stuff on the house. Do you guys install solar panels? "
                    "Was thinking solar + a tankless water heater"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Nathan - we definitely install tankless water heaters (Rinnai and Navien); "
                    "a gas tankless conversion typically runs $3,800-$5,500 installed, with a free "
                    "in-home estimate. I don't have an answer for you on solar panels, so I'm "
                    "checking with the team."
                ),
                "minutes": 0.2,
            },
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 0.3,
            },
            {"from": "customer", "body": "ok cool, no rush", "minutes": 3},
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c10 - SMS escalated (negative sentiment): angry about after-hours fee, Dana refunds
    {
        "key": "c10",
        "contact": {"name": "Sharon Mitchell", "phone": "+15125550111", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "escalated",
        "managed_by": "human",
        "escalation_reason": "negative_sentiment",
        "lead_status": "Won",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 20.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "I just looked at my card statement. $189 for a guy to be here 20 minutes and "
                    "tighten one fitting?? This is a ripoff"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Sharon, I'm sorry you're frustrated. Visits after 6:00 PM, on Sundays and "
                    "on holidays are billed at our $189 after-hours emergency rate, which covers "
                    "the on-call technician's trip and the repair. That rate should have been "
                    "confirmed with you before the tech was dispatched."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": (
                    "Nobody told me ANYTHING about after hours pricing. Unbelievable. I want "
                    "someone to call me and I want a refund"
                ),
                "minutes": 3,
            },
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 3.1,
            },
            {
                "from": "operator",
                "operator": "dana@brightwater-plumbing.example",
                "body": (
                    "Hi Sharon, this is Dana Whitfield - I own Brightwater with my husband. I "
                    "checked with our on-call tech and you're right, he didn't confirm the "
                    "after-hours rate before heading out. That's on us. I've refunded $100 to your "
                    "card; it should show in 3-5 business days. I'm sorry for the surprise."
                ),
                "minutes": 25,
            },
            {
                "from": "customer",
                "body": "Ok. Thank you for actually listening. I appreciate it.",
                "minutes": 40,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [
            {
                "author": "dana@brightwater-plumbing.example",
                "body": (
                    "Refunded $100 of the $189 after-hours fee - Derek didn't confirm the rate "
                    "before dispatch. Going over the dispatch script with him Monday."
                ),
                "minutes": 24,
            },
        ],
    },
    # c11 - SMS quoted: outdoor kitchen gas line, estimate done, waiting on slab
    {
        "key": "c11",
        "contact": {"name": "Omar Haddad", "phone": "+15125550112", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Quoted",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 200.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi, we're building an outdoor kitchen and need a gas line run to the grill. "
                    "About 30-40 ft from the meter. Do you do that and roughly what does it cost?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Omar - yes, we run new gas lines for outdoor kitchens, grills and fire "
                    "pits. The price depends on the length, pipe size and whether we trench or run "
                    "along the house, so we do a free estimate; the quote includes the city "
                    "permit, pressure test and inspection. Openings: 1) Wed 8:00 AM 2) Wed 2:00 PM "
                    "3) Thu 9:30 AM."
                ),
                "minutes": 0.3,
            },
            {"from": "customer", "body": "Thursday works", "minutes": 40},
            {
                "from": "ai",
                "body": "Booked: Thu 9:30 AM free gas line estimate. What's the address?",
                "minutes": 40.1,
            },
            {"from": "customer", "body": "2318 Brandt Dr, Pflugerville", "minutes": 44},
            {
                "from": "ai",
                "body": (
                    "Thanks Omar - you're set for Thu 9:30 AM at 2318 Brandt Dr, Pflugerville. The "
                    "tech will text about 30 minutes before arriving."
                ),
                "minutes": 44.2,
            },
            {
                "from": "automation",
                "body": (
                    "Hi Omar, thanks for meeting with Brightwater today. Your written estimate has "
                    "been emailed and is good for 30 days. Reply here with any questions."
                ),
                "minutes": 3000,
            },
            {
                "from": "customer",
                "body": "Got it. Waiting on the contractor to pour the slab, will be in touch",
                "minutes": 3240,
            },
            {
                "from": "ai",
                "body": (
                    "Sounds good! Once the slab is in, just text us and we'll get you on the "
                    "schedule."
                ),
                "minutes": 3240.2,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -152.5,
                "duration_minutes": 60,
                "title": "Gas line estimate - outdoor kitchen",
                "status": "completed",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "~38 ft from meter to island. Trench + PE pipe with tracer wire, riser at the "
                    "island. Quoted $1,450 incl. permit, pressure test and inspection. Needs slab "
                    "poured first."
                ),
                "minutes": 2990,
            },
        ],
    },
    # c12 - SMS property manager: tenant sink leak, bill to PM with PO
    {
        "key": "c12",
        "contact": {
            "name": "Karen Liu",
            "phone": "+15125550113",
            "email": "karen@hillcrestpm.example",
        },
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 9.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi this is Karen with Hillcrest Property Mgmt. Tenant at 4410 Avenue F "
                    "reports a leak under the bathroom sink, cabinet floor is wet. Can you get "
                    "someone out tomorrow? We'll pay, tenant will give access."
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Karen - yes, we work with property managers and can bill you directly. "
                    "Openings tomorrow: 1) 8:00 AM 2) 10:30 AM 3) 3:00 PM. Who should the tech "
                    "contact for access?"
                ),
                "minutes": 0.3,
            },
            {
                "from": "customer",
                "body": (
                    "10:30. Tenant is Alex Nguyen, he's home all day. Invoice to "
                    "ap@hillcrestpm.example with PO 7731 pls"
                ),
                "minutes": 5,
            },
            {
                "from": "ai",
                "body": (
                    "Booked: tomorrow 10:30 AM at 4410 Avenue F, bathroom sink leak. We'll "
                    "coordinate access with Alex, and the invoice will go to "
                    "ap@hillcrestpm.example with PO 7731. Meanwhile, Alex can close the small "
                    "valves under the sink (turn clockwise) to stop the leak."
                ),
                "minutes": 5.2,
            },
            {"from": "customer", "body": "Great thanks", "minutes": 7},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 7.0,
                "duration_minutes": 60,
                "title": "Bathroom sink leak - tenant unit",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Bill to Hillcrest Property Mgmt, PO 7731 must be on the invoice. Tenant Alex "
                    "Nguyen gives access. OK to approve up to $500 without calling Karen."
                ),
                "minutes": 30,
            },
        ],
    },
    # c13 - SMS cancellation: low water pressure visit cancelled >24h ahead
    {
        "key": "c13",
        "contact": {"name": "Heather Boyd", "phone": "+15125550114", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Contacted",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 120.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi can I get someone to look at our water pressure? Shower barely trickles "
                    "upstairs"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Heather - low pressure on one floor can be a failing pressure reducing "
                    "valve, a partly closed valve or a clogged cartridge. The visit is the $89 "
                    "service call (credited toward the repair), and we test your pressure for "
                    "free. Openings: 1) Thu 10:00 AM 2) Thu 1:00 PM 3) Fri 8:00 AM."
                ),
                "minutes": 0.2,
            },
            {"from": "customer", "body": "1", "minutes": 10},
            {
                "from": "ai",
                "body": "You're booked for Thu 10:00 AM. What's the service address?",
                "minutes": 10.1,
            },
            {"from": "customer", "body": "918 Parkfield Dr", "minutes": 13},
            {
                "from": "ai",
                "body": "Thanks Heather - Thu 10:00 AM at 918 Parkfield Dr is confirmed.",
                "minutes": 13.1,
            },
            {
                "from": "customer",
                "body": "Hey something came up at work, I need to cancel thursday. Sorry!",
                "minutes": 1000,
            },
            {
                "from": "ai",
                "body": (
                    "No problem, Heather - since it's more than 24 hours out there's no charge. "
                    "I've cancelled Thu 10:00 AM. Want to pick a new time? Next openings: 1) Mon "
                    "9:00 AM 2) Mon 2:30 PM 3) Tue 8:00 AM."
                ),
                "minutes": 1000.2,
            },
            {
                "from": "customer",
                "body": "I'll text back next week when I know my schedule",
                "minutes": 1030,
            },
            {
                "from": "ai",
                "body": "Sounds good - just text here whenever you're ready.",
                "minutes": 1030.1,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -78.0,
                "duration_minutes": 60,
                "title": "Low water pressure diagnosis",
                "status": "cancelled",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c14 - SMS after a phone booking (previous call): reminder, customer confirms
    {
        "key": "c14",
        "contact": {"name": "Robert Jensen", "phone": "+15125550115", "email": None},
        "channel": "sms",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 50.0,
        "messages": [
            {
                "from": "automation",
                "body": (
                    "Reminder: your Brightwater Plumbing & Heating appointment is tomorrow at "
                    "10:30 AM (garbage disposal replacement). Reply C to confirm or R to "
                    "reschedule."
                ),
                "minutes": 2760,
            },
            {"from": "customer", "body": "C", "minutes": 2790},
            {
                "from": "ai",
                "body": "Thanks Robert, you're confirmed for tomorrow at 10:30 AM.",
                "minutes": 2790.1,
            },
            {
                "from": "customer",
                "body": "also can he look at the outside faucet by the garage, it drips",
                "minutes": 2796,
            },
            {
                "from": "ai",
                "body": (
                    "Sure - I've added the dripping outdoor faucet to the work order, and the tech "
                    "will take a look and give you a price on site before doing any extra work."
                ),
                "minutes": 2796.2,
            },
        ],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 142,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1007.mp3",
                "summary": (
                    "Caller's garbage disposal hums but won't spin; booked a 3/4 HP disposal "
                    "replacement ($425) for Thursday 10:30 AM."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Hi, my garbage disposal just hums and doesn't spin. I think it's "
                            "dead, it's like twelve years old."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Sorry to hear that. When it hums but doesn't spin it's sometimes just "
                            "jammed, but at twelve years old a replacement usually makes more "
                            "sense. A new half horsepower disposal is $325 installed, or $425 for "
                            "a three-quarter horsepower. Would you like to book a visit?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "Yeah, the three-quarter one. When can you come?",
                    },
                    {
                        "speaker": "agent",
                        "text": "I have Thursday at 10:30 AM or Friday at 8:00 AM.",
                    },
                    {"speaker": "customer", "text": "Thursday's good."},
                    {"speaker": "agent", "text": "Great. What's the address?"},
                    {"speaker": "customer", "text": "7705 Long Point Drive, Austin."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks, Robert. You're booked for Thursday at 10:30 AM at 7705 Long "
                            "Point Drive. We'll text you a reminder the day before. In the "
                            "meantime, please don't put anything down the disposal. Anything else?"
                        ),
                    },
                    {"speaker": "customer", "text": "Nope, that's it. Thanks."},
                ],
            },
        ],
        "appointments": [
            {
                "starts_in_hours": 20.0,
                "duration_minutes": 60,
                "title": "Garbage disposal replacement (3/4 HP)",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c15 - WhatsApp in Spanish: gas water heater pilot out, books slot 1
    {
        "key": "c15",
        "contact": {"name": "Rosa Delgado", "phone": "+15125550116", "email": None},
        "channel": "whatsapp",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 16.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hola buenas tardes, tienen servicio en Pflugerville? Mi calentador de agua no "
                    "calienta desde ayer 😩"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "¡Hola Rosa! Sí, damos servicio en Pflugerville. Lamento lo del agua fría. ¿Su "
                    "calentador es de gas o eléctrico?"
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": "Es de gas. El piloto esta apagado y no prende",
                "minutes": 3,
            },
            {
                "from": "ai",
                "body": (
                    "Entendido. Puede ser el termopar o la válvula de gas. La visita de "
                    "diagnóstico cuesta $89 y se acredita a la reparación si decide hacerla. "
                    "Horarios disponibles: 1) Mañana 8:00 AM 2) Mañana 12:30 PM 3) Jueves 9:00 AM. "
                    "Responda 1, 2 o 3."
                ),
                "minutes": 3.2,
            },
            {"from": "customer", "body": "1 por favor", "minutes": 6},
            {
                "from": "ai",
                "body": "¡Listo! Mañana a las 8:00 AM. ¿Cuál es la dirección?",
                "minutes": 6.1,
            },
            {"from": "customer", "body": "1502 Windermere Dr, Pflugerville 78660", "minutes": 9},
            {
                "from": "ai",
                "body": (
                    "Gracias, Rosa. Cita confirmada: mañana 8:00 AM en 1502 Windermere Dr, "
                    "Pflugerville. El técnico le enviará un mensaje unos 30 minutos antes de "
                    "llegar. Si huele a gas, salga de la casa y llame al 911."
                ),
                "minutes": 9.2,
            },
            {"from": "customer", "body": "Muchas gracias 🙏", "minutes": 10},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 2.0,
                "duration_minutes": 60,
                "title": "No hot water - gas pilot won't stay lit",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Prefers Spanish - sending Luis. Pilot won't stay lit, likely thermocouple; "
                    "50-gal Rheem per her photo."
                ),
                "minutes": 15,
            },
        ],
    },
    # c16 - WhatsApp: ceiling stain, leak detection no-show, rebooked
    {
        "key": "c16",
        "contact": {"name": "Jake Morrison", "phone": "+15125550117", "email": None},
        "channel": "whatsapp",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 140.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hey, sending a pic - this brown stain showed up on the living room ceiling, "
                    "right under the upstairs bathroom. Pipe leak?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Thanks for the photo, Jake. A stain under a bathroom is often a slow leak "
                    "from the shower valve, drain or toilet seal, and it's worth catching before "
                    "the drywall or framing gets damaged. Our leak detection visit is $295 and "
                    "uses acoustic and thermal imaging tools to pinpoint the leak. Openings: 1) "
                    "Mon 10:00 AM 2) Mon 1:00 PM 3) Tue 8:00 AM."
                ),
                "minutes": 0.2,
            },
            {"from": "customer", "body": "2", "minutes": 15},
            {
                "from": "ai",
                "body": "Booked: Mon 1:00 PM leak detection. What's the address?",
                "minutes": 15.1,
            },
            {"from": "customer", "body": "3309 Hollow Creek Dr, Austin", "minutes": 18},
            {
                "from": "ai",
                "body": (
                    "You're all set for Mon 1:00 PM at 3309 Hollow Creek Dr. Until then, try to "
                    "avoid using that upstairs shower."
                ),
                "minutes": 18.2,
            },
            {
                "from": "automation",
                "body": (
                    "Hi Jake, our technician arrived at 1:00 PM for your leak detection "
                    "appointment but no one was home. Reply here to reschedule."
                ),
                "minutes": 2925,
            },
            {
                "from": "customer",
                "body": (
                    "ugh so sorry, totally forgot. work has been insane. can we do later this week?"
                ),
                "minutes": 3100,
            },
            {
                "from": "ai",
                "body": (
                    "No worries, Jake. Openings: 1) Thu 9:00 AM 2) Thu 3:00 PM 3) Sat 8:30 AM. "
                    "Just a heads-up that a $50 trip fee applies to the missed visit, per our "
                    "cancellation policy."
                ),
                "minutes": 3100.2,
            },
            {"from": "customer", "body": "sat 8:30 pls. fair enough on the fee", "minutes": 3130},
            {
                "from": "ai",
                "body": (
                    "Done - Sat 8:30 AM at 3309 Hollow Creek Dr. We'll text a reminder the day "
                    "before."
                ),
                "minutes": 3130.1,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -92.0,
                "duration_minutes": 90,
                "title": "Leak detection - ceiling stain",
                "status": "no_show",
                "source": "ai",
            },
            {
                "starts_in_hours": 30.0,
                "duration_minutes": 90,
                "title": "Leak detection - ceiling stain (rebooked)",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c17 - WhatsApp after a phone call: tankless quote from Marcus, competing bid
    {
        "key": "c17",
        "contact": {
            "name": "Emily Carter",
            "phone": "+15125550118",
            "email": "emily.carter@gmail.example",
        },
        "channel": "whatsapp",
        "subject": None,
        "status": "active",
        "managed_by": "human",
        "escalation_reason": None,
        "lead_status": "Quoted",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 260.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi! I called earlier about a tankless water heater. Can you send me the info "
                    "here? This is Emily"
                ),
                "minutes": 30,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Emily! Sure. We install Rinnai and Navien gas tankless heaters. Converting "
                    "from a tank typically runs $3,800-$5,500 installed, depending mostly on "
                    "whether the gas line needs upsizing and how it's vented. The estimate is "
                    "free, and we recommend an annual descale ($189) because of Austin's hard "
                    "water. Want to book an estimate?"
                ),
                "minutes": 30.2,
            },
            {"from": "customer", "body": "Yes please. Afternoons are best", "minutes": 45},
            {
                "from": "ai",
                "body": "Afternoon openings: 1) Tue 1:00 PM 2) Tue 3:30 PM 3) Wed 2:00 PM.",
                "minutes": 45.2,
            },
            {"from": "customer", "body": "3 - 611 Bluestem Dr in Cedar Park", "minutes": 50},
            {
                "from": "ai",
                "body": (
                    "You're booked for Wed 2:00 PM at 611 Bluestem Dr, Cedar Park. The tech will "
                    "text about 30 minutes before arriving."
                ),
                "minutes": 50.2,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Hi Emily, Marcus from Brightwater - thanks for showing me around today. Your "
                    "quote for a Navien NPE-240A2 with a new 3/4-inch gas line from the meter, "
                    "side-wall venting, permit and haul-away of the old tank is $4,650. It's good "
                    "for 30 days. Happy to answer any questions."
                ),
                "minutes": 4400,
            },
            {
                "from": "customer",
                "body": "Thanks Marcus. Is there any rebate from the gas company for this?",
                "minutes": 4800,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Good question - the gas utility has offered rebates on qualifying tankless "
                    "units, but the amounts change, so it's worth checking their site. We'll give "
                    "you the model and serial numbers you need for the application."
                ),
                "minutes": 4830,
            },
            {
                "from": "customer",
                "body": (
                    "Ok great. We're deciding between you and one other company, will let you know "
                    "this week"
                ),
                "minutes": 4900,
            },
        ],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 205,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1009.mp3",
                "summary": (
                    "Caller asked about replacing a 12-year-old gas tank with a tankless heater; "
                    "agent gave the $3,800-$5,500 range and offered to send details by WhatsApp."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Hi, we've got a gas water heater that's about twelve years old and "
                            "we're thinking about going tankless. Do you do that?"
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "We do. We install Rinnai and Navien gas tankless heaters. A "
                            "conversion from a tank usually runs thirty-eight hundred to "
                            "fifty-five hundred dollars installed."
                        ),
                    },
                    {"speaker": "customer", "text": "Why such a big range?"},
                    {
                        "speaker": "agent",
                        "text": (
                            "Mostly the gas line and venting. Tankless units need more gas, so "
                            "some homes need a bigger line from the meter, and the vent has to run "
                            "outside. The estimate is free, and the tech will give you a firm "
                            "price on the spot."
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "Okay. Can you send me that in writing? I'm driving right now.",
                    },
                    {"speaker": "agent", "text": "Of course. Would text or WhatsApp be better?"},
                    {"speaker": "customer", "text": "WhatsApp, same number."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Done - you'll get a message from our WhatsApp number in a moment, and "
                            "you can book an estimate right there. Anything else?"
                        ),
                    },
                    {"speaker": "customer", "text": "No, that's great, thanks."},
                ],
            },
        ],
        "appointments": [
            {
                "starts_in_hours": -188.0,
                "duration_minutes": 60,
                "title": "Free tankless estimate",
                "status": "completed",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "Quote $4,650: Navien NPE-240A2, upsize gas to 3/4-inch (existing 1/2-inch "
                    "can't carry 199k BTU), side-wall vent. Competing bid - follow up Friday."
                ),
                "minutes": 4390,
            },
        ],
    },
    # c18 - WhatsApp: freeze prep and finding the main shut-off
    {
        "key": "c18",
        "contact": {"name": "Paul Hendricks", "phone": "+15125550119", "email": None},
        "channel": "whatsapp",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 30.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi, forecast says it's going down to 19 Thursday night. Last big freeze we "
                    "had a pipe burst in the attic. What should we do to prep?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Paul - good idea to prep early. Disconnect garden hoses and cover outdoor "
                    "faucets, insulate exposed pipes in the attic and garage, open cabinet doors "
                    "under sinks on outside walls and let those faucets drip, and keep the "
                    "thermostat at 55F or higher. If a pipe does freeze, thaw it with a hair "
                    "dryer, never an open flame."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": "Helpful, thanks. Where's the main shutoff usually? We moved in last year",
                "minutes": 10,
            },
            {
                "from": "ai",
                "body": (
                    "Usually in one of two places: a homeowner valve where the water line enters "
                    "the house (garage, near the water heater, or an outside wall facing the "
                    "street), or the city valve in the meter box by the curb, which turns a "
                    "quarter turn with a meter key or large wrench."
                ),
                "minutes": 10.2,
            },
            {"from": "customer", "body": "Found it in the box by the curb 👍", "minutes": 25},
            {
                "from": "ai",
                "body": (
                    "Nice work! Keep a meter key or wrench handy. If anything bursts, shut that "
                    "off and call our 24/7 line at (512) 555-0199."
                ),
                "minutes": 25.1,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c19 - WhatsApp escalated (manual): old Burnham boiler, Marcus handles it personally
    {
        "key": "c19",
        "contact": {
            "name": "Catherine Ames",
            "phone": "+15125550120",
            "email": "cames@utexas-alumni.example",
        },
        "channel": "whatsapp",
        "subject": None,
        "status": "escalated",
        "managed_by": "human",
        "escalation_reason": "manual",
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 70.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hello, we have an older house in Hyde Park with a hot water boiler and "
                    "radiators. The boiler keeps shutting off and the upstairs radiators are "
                    "barely warm. Do you work on these?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Catherine - yes, we service hot-water boilers and radiator systems, "
                    "including older cast-iron boilers. The diagnostic visit is the $89 service "
                    "call, credited toward the repair. Do you know the make and age of the boiler?"
                ),
                "minutes": 0.3,
            },
            {
                "from": "customer",
                "body": "It's a Burnham, the sticker says 1996. Our old plumber retired.",
                "minutes": 6,
            },
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 6.2,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Hi Catherine, Marcus here, service manager at Brightwater. I'm taking this "
                    "one myself since older boilers can need specific parts. Could you send a "
                    "photo of the boiler's rating plate and the pump next to it?"
                ),
                "minutes": 20,
            },
            {"from": "customer", "body": "Sure, here you go", "minutes": 45},
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Thanks. The circulator pump looks original, which would explain the weak heat "
                    "upstairs. I can come out Thursday at 9:00 AM with a replacement pump on the "
                    "truck in case we need it. Does that work?"
                ),
                "minutes": 60,
            },
            {"from": "customer", "body": "Thursday at 9 works. Thank you!", "minutes": 70},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 16.0,
                "duration_minutes": 120,
                "title": "Boiler diagnosis - upstairs radiators not heating",
                "status": "booked",
                "source": "operator",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "1996 Burnham cast-iron boiler, original circulator. Bring circulator, zone "
                    "valve, radiator bleed key. Check low-water cutoff. Customer prefers Marcus."
                ),
                "minutes": 65,
            },
        ],
    },
    # c20 - WhatsApp warranty: dripping faucet installed last year, free warranty visit
    {
        "key": "c20",
        "contact": {"name": "Sam Okafor", "phone": "+15125550121", "email": None},
        "channel": "whatsapp",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Won",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 40.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hey, y'all installed a kitchen faucet for us about 8 months ago and now it's "
                    "dripping from the spout. Is that covered?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Sam - yes, warranty visits are free. If we supplied the faucet, our labor "
                    "is covered for 2 years plus the manufacturer's warranty; if you supplied it, "
                    "our labor is covered for 1 year and the manufacturer covers the faucet. "
                    "Openings: 1) Fri 8:00 AM 2) Fri 11:30 AM 3) Mon 9:00 AM."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": "We bought it ourselves at home depot I think. 2 works",
                "minutes": 20,
            },
            {
                "from": "ai",
                "body": (
                    "Then the visit is covered under our 1-year labor warranty - no charge. If the "
                    "cartridge needs replacing, the manufacturer usually sends one free and the "
                    "tech can help you request it. Is this for the same address we serviced before?"
                ),
                "minutes": 20.1,
            },
            {"from": "customer", "body": "yep same house", "minutes": 23},
            {"from": "ai", "body": "Great, you're all set for Fri 11:30 AM.", "minutes": 23.1},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 44.0,
                "duration_minutes": 60,
                "title": "Warranty visit - dripping kitchen faucet",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c21 - WhatsApp lost: water heater estimate, went with a cheaper company
    {
        "key": "c21",
        "contact": {"name": "Diane Foster", "phone": "+15125550122", "email": None},
        "channel": "whatsapp",
        "subject": None,
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Lost",
        "lead_temperature": "COLD",
        "opted_out": False,
        "started_hours_ago": 500.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi what would you charge to replace a 40 gallon electric water heater in a "
                    "closet? Just want a ballpark"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Diane - a standard 40-50 gallon replacement typically runs $1,900-$3,200 "
                    "installed; an electric tank in a closet is usually toward the lower end. That "
                    "includes the permit, drain pan and haul-away, and we give you a firm written "
                    "quote for free before any work starts."
                ),
                "minutes": 0.3,
            },
            {
                "from": "customer",
                "body": "Ok. Can you send someone for a quote Monday?",
                "minutes": 8,
            },
            {
                "from": "ai",
                "body": "Sure - Monday openings: 1) 8:00 AM 2) 12:00 PM 3) 4:00 PM.",
                "minutes": 8.1,
            },
            {"from": "customer", "body": "2. Address is 1200 Barton Hills Dr #214", "minutes": 12},
            {
                "from": "ai",
                "body": (
                    "Booked: Mon 12:00 PM free water heater estimate at 1200 Barton Hills Dr #214."
                ),
                "minutes": 12.1,
            },
            {
                "from": "automation",
                "body": (
                    "Hi Diane, thanks for meeting with Brightwater today. Your written estimate "
                    "has been emailed and is good for 30 days."
                ),
                "minutes": 4200,
            },
            {
                "from": "automation",
                "body": (
                    "Hi Diane, just following up on your water heater estimate from Brightwater "
                    "Plumbing & Heating. Any questions we can answer?"
                ),
                "minutes": 14400,
            },
            {
                "from": "customer",
                "body": "Thanks but we went with another company, they were a few hundred cheaper.",
                "minutes": 14600,
            },
            {
                "from": "ai",
                "body": (
                    "Understood, Diane - thanks for letting us know and for considering "
                    "Brightwater. If you ever need us, we're just a message away."
                ),
                "minutes": 14600.2,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -432.0,
                "duration_minutes": 60,
                "title": "Water heater replacement estimate",
                "status": "completed",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Quoted $2,150 for 40-gal electric in hall closet incl. pan, permit, haul-away."
                ),
                "minutes": 4210,
            },
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": "Lost on price - competitor ~$300 lower. Marked Lost.",
                "minutes": 14610,
            },
        ],
    },
    # c22 - WhatsApp live: payment methods and financing for a softener
    {
        "key": "c22",
        "contact": {"name": "Megan Price", "phone": "+15125550123", "email": None},
        "channel": "whatsapp",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 1.2,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi! Thinking about getting a water softener. Do you take Zelle? Or do payment "
                    "plans?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Megan! We don't take Zelle or Venmo, but we accept all major cards, Apple "
                    "Pay, Google Pay, checks and cash. For jobs over $1,000 we offer financing, "
                    "including 12 months same-as-cash on approved credit, and checking your rate "
                    "won't affect your credit score. Installed softeners typically run "
                    "$1,800-$3,200, and the estimate with a water hardness test is free."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": "ok good to know, I'll talk to my husband and get back to you 😊",
                "minutes": 7,
            },
            {
                "from": "ai",
                "body": "Sounds great - just message here whenever you're ready.",
                "minutes": 7.1,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c23 - Web chat anonymous: tub drain price
    {
        "key": "c23",
        "contact": {"name": None, "phone": None, "email": None},
        "channel": "webchat",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 3.0,
        "messages": [
            {"from": "customer", "body": "how much to unclog a bathtub drain", "minutes": 0},
            {
                "from": "ai",
                "body": (
                    "Hi there! Clearing a standard tub, sink or shower clog starts at $149 during "
                    "business hours, and the technician confirms the price before starting. Would "
                    "you like to book a visit? I'd just need your name and a phone number."
                ),
                "minutes": 0.1,
            },
            {"from": "customer", "body": "just looking for now thanks", "minutes": 1.5},
            {
                "from": "ai",
                "body": (
                    "No problem! Tip in the meantime: a plastic drain snake from the hardware "
                    "store often clears hair clogs in tubs. If it doesn't, we're here."
                ),
                "minutes": 1.6,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c24 - Web chat anonymous: service area check, closed
    {
        "key": "c24",
        "contact": {"name": None, "phone": None, "email": None},
        "channel": "webchat",
        "subject": None,
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 150.0,
        "messages": [
            {"from": "customer", "body": "Do you service Georgetown? Sun City area", "minutes": 0},
            {
                "from": "ai",
                "body": (
                    "Yes - Georgetown, including Sun City, is in our regular service area, so "
                    "there's no extra trip charge. How can we help?"
                ),
                "minutes": 0.1,
            },
            {"from": "customer", "body": "good to know for later, thx", "minutes": 2},
            {
                "from": "ai",
                "body": "You're welcome! We're here whenever you need us.",
                "minutes": 2.1,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c25 - Web chat: AC question (not a service we offer), referred out
    {
        "key": "c25",
        "contact": {"name": "Priya Nair", "phone": None, "email": "priya.nair@gmail.example"},
        "channel": "webchat",
        "subject": None,
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Lost",
        "lead_temperature": "COLD",
        "opted_out": False,
        "started_hours_ago": 96.0,
        "messages": [
            {
                "from": "customer",
                "body": "Hi, our AC is blowing warm air. Can you send someone today?",
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Priya - sorry, we're plumbing and heating only, so we don't repair air "
                    "conditioning. For AC we refer customers to our friends at Hill Country "
                    "Cooling, (512) 555-0177."
                ),
                "minutes": 0.1,
            },
            {"from": "customer", "body": "ah ok, thanks for the number", "minutes": 1.5},
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c26 - Web chat: home buyer needs a sewer scope before the option period ends
    {
        "key": "c26",
        "contact": {
            "name": "Jessica Tran",
            "phone": "+15125550124",
            "email": "jtran@outlook.example",
        },
        "channel": "webchat",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 28.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi! We're under contract on a house in Round Rock built in 1978 and our "
                    "inspector recommended a sewer scope. Option period ends Friday. Can you do it "
                    "before then?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Jessica, congratulations on the house! Yes - our sewer camera inspection "
                    "is $225 and includes a video recording emailed to you, plus the location and "
                    "depth of any problem we find. Openings: 1) Wed 9:00 AM 2) Wed 1:00 PM 3) Thu "
                    "10:30 AM."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": (
                    "Wednesday at 1 please. Sellers already moved out, our agent will let you in"
                ),
                "minutes": 3,
            },
            {
                "from": "ai",
                "body": (
                    "Booked: Wed 1:00 PM sewer camera inspection. What's the property address, and "
                    "what's the best number for your agent?"
                ),
                "minutes": 3.1,
            },
            {
                "from": "customer",
                "body": (
                    "1604 Creek Bend Dr, Round Rock. Agent is Tom, (512) 555-0170. Will I get the "
                    "video the same day?"
                ),
                "minutes": 6,
            },
            {
                "from": "ai",
                "body": (
                    "Yes, the video and a short summary are usually emailed the same day. You're "
                    "all set for Wed 1:00 PM at 1604 Creek Bend Dr, and we'll coordinate access "
                    "with Tom. If the camera shows a problem and you have us do the repair, the "
                    "$225 is credited toward it."
                ),
                "minutes": 6.2,
            },
            {"from": "customer", "body": "Amazing, thank you!!", "minutes": 7},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 18.0,
                "duration_minutes": 60,
                "title": "Sewer camera inspection (buyer, option period)",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Vacant house - lockbox, agent Tom (512) 555-0170 meets the tech. Buyer needs "
                    "the video before the Friday option deadline."
                ),
                "minutes": 12,
            },
        ],
    },
    # c27 - Web chat escalated (asked for person): washer hookup relocation, waiting live
    {
        "key": "c27",
        "contact": {"name": "Jordan", "phone": None, "email": "jordan.m@outlook.example"},
        "channel": "webchat",
        "subject": None,
        "status": "escalated",
        "managed_by": "ai",
        "escalation_reason": "asked_for_person",
        "lead_status": "New",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 0.4,
        "messages": [
            {
                "from": "customer",
                "body": "hi, need a quote on moving my washer hookups out to the garage",
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Jordan - we'd quote that with a free estimate, since the price depends on "
                    "the distance, the drain run and whether we need to open walls. Would you like "
                    "to book a time for a tech to take a look?"
                ),
                "minutes": 0.1,
            },
            {"from": "customer", "body": "can I talk to a real person", "minutes": 1},
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 1.1,
            },
            {"from": "customer", "body": "k thanks", "minutes": 2.5},
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c28 - Web chat escalated (cant_answer): restaurant grease trap, Jamie takes over
    {
        "key": "c28",
        "contact": {
            "name": "Tony Russo",
            "phone": "+15125550125",
            "email": "tony@russostrattoria.example",
        },
        "channel": "webchat",
        "subject": None,
        "status": "escalated",
        "managed_by": "human",
        "escalation_reason": "cant_answer",
        "lead_status": "Contacted",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 46.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hello, I own a small Italian restaurant on South Lamar. Our grease trap is "
                    "backing up into the kitchen floor drain. Do you handle grease traps for "
                    "commercial kitchens?"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Tony, sorry to hear that - a backed-up floor drain in a kitchen is urgent. "
                    "I don't have details on commercial grease trap service, so let me get someone "
                    "who does."
                ),
                "minutes": 0.2,
            },
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 0.3,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "Hi Tony, Jamie from Brightwater. We don't pump grease traps - that needs a "
                    "licensed waste hauler - but we can clear the line between the trap and the "
                    "floor drain. Do you have a pumping company you use?"
                ),
                "minutes": 12,
            },
            {
                "from": "customer",
                "body": (
                    "Yes but they can't come till Thursday. Can you at least get the floor drain "
                    "flowing?"
                ),
                "minutes": 20,
            },
            {
                "from": "operator",
                "operator": "jamie@brightwater-plumbing.example",
                "body": (
                    "Yes. Commercial pricing is different from residential, so Marcus will call "
                    "you in a few minutes with a price. Earliest we can get a tech there is 2:00 "
                    "PM today."
                ),
                "minutes": 24,
            },
            {"from": "customer", "body": "ok waiting for his call", "minutes": 26},
        ],
        "calls": [],
        "appointments": [],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Commercial - Russo's Trattoria, S Lamar. Trap full, hauler not until Thu. "
                    "Marcus to quote line clearing by phone. We don't pump traps - refer to hauler."
                ),
                "minutes": 25,
            },
        ],
    },
    # c29 - Web chat: financing and repipe timing, shopping around
    {
        "key": "c29",
        "contact": {"name": "Chris Dalton", "phone": None, "email": "chris.dalton@yahoo.example"},
        "channel": "webchat",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 100.0,
        "messages": [
            {
                "from": "customer",
                "body": "What kind of financing do you offer? Looking at a repipe, probably 8-10k",
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Chris - for jobs over $1,000 we offer financing through our lending "
                    "partner, including 12 months same-as-cash on approved credit or longer terms "
                    "with fixed monthly payments. Checking your rate takes about 2 minutes and is "
                    "a soft credit check. The repipe estimate itself is free."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": "How long does a repipe take? I work from home",
                "minutes": 5,
            },
            {
                "from": "ai",
                "body": (
                    "Most 2-bath homes take 2-4 days, and your water is back on every evening. "
                    "There's some noise while we open small sections of drywall, which we patch "
                    "afterward (paint isn't included)."
                ),
                "minutes": 5.2,
            },
            {
                "from": "customer",
                "body": "ok. I'll get back to you after I get a couple other quotes",
                "minutes": 9,
            },
            {
                "from": "ai",
                "body": (
                    "Sounds good, Chris. Our written quotes are good for 30 days, and repipes come "
                    "with a 10-year workmanship warranty. We're here when you're ready."
                ),
                "minutes": 9.1,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c30 - Web chat: suspected slab leak, books leak detection slot 3
    {
        "key": "c30",
        "contact": {
            "name": "Michelle Park",
            "phone": "+15125550126",
            "email": "mpark@gmail.example",
        },
        "channel": "webchat",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 10.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Our water bill jumped from $60 to $210 and I can hear water running under the "
                    "kitchen floor even when everything is off. Is that a slab leak??"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Michelle - those are classic signs of a slab leak. Quick check: with all "
                    "water off, look at the meter; if the little leak indicator is moving, water "
                    "is escaping somewhere. Our leak detection is $295 and pinpoints the leak so "
                    "we only open what we need to. Openings: 1) Tomorrow 8:00 AM 2) Tomorrow 11:00 "
                    "AM 3) Tomorrow 3:30 PM."
                ),
                "minutes": 0.2,
            },
            {
                "from": "customer",
                "body": "The little triangle on the meter is spinning 😬 3",
                "minutes": 6,
            },
            {
                "from": "ai",
                "body": (
                    "Booked for tomorrow at 3:30 PM. What's the address, and the best phone number "
                    "for the tech to text?"
                ),
                "minutes": 6.1,
            },
            {"from": "customer", "body": "2207 Hartford Rd, 78703. 512-555-0126", "minutes": 8},
            {
                "from": "ai",
                "body": (
                    "Thanks Michelle - you're set for tomorrow 3:30 PM at 2207 Hartford Rd. If the "
                    "floor gets warm or wet, shut off the main and call our 24/7 line at (512) "
                    "555-0199."
                ),
                "minutes": 8.2,
            },
            {"from": "customer", "body": "will do, thanks", "minutes": 9},
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 15.0,
                "duration_minutes": 120,
                "title": "Leak detection - suspected slab leak",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c31 - Web chat: Care Club membership questions
    {
        "key": "c31",
        "contact": {"name": "Bill Sutton", "phone": None, "email": "bsutton@gmail.example"},
        "channel": "webchat",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 210.0,
        "messages": [
            {
                "from": "customer",
                "body": "What's included in the Care Club thing on your website?",
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Bill! The Brightwater Care Club is $14.99 a month or $159 a year. It "
                    "includes a yearly water heater flush or tankless descale, a whole-home "
                    "plumbing inspection, no service call fee, priority scheduling and 15% off "
                    "repairs. You can cancel any time."
                ),
                "minutes": 0.1,
            },
            {"from": "customer", "body": "Does the flush work for tankless too?", "minutes": 3},
            {
                "from": "ai",
                "body": (
                    "Yes - for tankless heaters the yearly visit is a descale instead of a flush, "
                    "which normally costs $189 on its own. With Austin's hard water it's the most "
                    "important maintenance a tankless needs."
                ),
                "minutes": 3.1,
            },
            {
                "from": "customer",
                "body": "ok cool, I'll sign up next time one of your guys is out",
                "minutes": 6,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c32 - Email: condo community manager, 6 water heaters, Marcus quotes
    {
        "key": "c32",
        "contact": {
            "name": "Rachel Kim",
            "phone": "+15125550127",
            "email": "rachel.kim@oakmontterrace.example",
        },
        "channel": "email",
        "subject": "Quote request: water heater replacements for 6 units",
        "status": "active",
        "managed_by": "human",
        "escalation_reason": None,
        "lead_status": "Quoted",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 140.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hello,\n\n"
                    "I manage Oakmont Terrace, a 24-unit condominium community in Cedar Park. Six "
                    "of our units still have the original 2006 electric water heaters in hall "
                    "closets, and the board would like to replace them before they start failing. "
                    "Could you provide a quote for replacing all six, and let me know whether you "
                    "offer a discount for multiple units?\n\n"
                    "Thank you,\nRachel Kim\nCommunity Manager, Oakmont Terrace"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Rachel,\n\n"
                    "Thanks for reaching out to Brightwater Plumbing & Heating. We'd be glad to "
                    "help with the six units. Standard 40-50 gallon replacements typically run "
                    "$1,900-$3,200 each, including the permit, drain pan and haul-away of the old "
                    "heater. Because every closet install is a little different, we provide a free "
                    "written estimate after a quick walkthrough.\n\n"
                    "I've passed your question about a multi-unit discount to our service manager, "
                    "who will follow up directly.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 2,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Hi Rachel,\n\n"
                    "Marcus Reyes here, service manager at Brightwater. I'd be happy to walk all "
                    "six units. I have Thursday at 10:00 AM open - would that work, and can your "
                    "maintenance tech let us into the units?\n\n"
                    "For six or more heaters installed together we take 10% off labor.\n\n"
                    "Best,\nMarcus Reyes\nService Manager, Brightwater Plumbing & Heating\n(512) "
                    "555-0100"
                ),
                "minutes": 200,
            },
            {
                "from": "customer",
                "body": (
                    "Hi Marcus,\n\n"
                    "Thursday at 10 works. Our maintenance tech, Dale, will meet you at the "
                    "leasing office by the pool. The units are 104, 108, 112, 204, 210 and 215.\n\n"
                    "Thanks,\nRachel"
                ),
                "minutes": 260,
            },
            {
                "from": "operator",
                "operator": "marcus@brightwater-plumbing.example",
                "body": (
                    "Hi Rachel,\n\n"
                    "Thanks for having us out today. Attached is the written quote: six 40-gallon "
                    "Rheem electric heaters installed, each with a new drain pan, expansion tank "
                    "and permit, plus haul-away, for $11,640 total ($1,940 per unit) after the 10% "
                    "multi-unit labor discount. The quote is good for 30 days. We can do three "
                    "units per day with 48 hours' notice to residents.\n\n"
                    "Best,\nMarcus"
                ),
                "minutes": 3100,
            },
            {
                "from": "customer",
                "body": (
                    "Thank you, Marcus. I'll present this to the board at next Tuesday's meeting "
                    "and get back to you.\n\n"
                    "Best,\nRachel"
                ),
                "minutes": 4500,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": -91.0,
                "duration_minutes": 90,
                "title": "Condo water heater walkthrough (6 units)",
                "status": "completed",
                "source": "operator",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "Oakmont Terrace: 6 x 40-gal electric, all hall closets, no pans in 3 units. "
                    "Quoted $11,640 total. Board votes Tue. 30% deposit ($3,492) if approved."
                ),
                "minutes": 3090,
            },
        ],
    },
    # c33 - Email escalated (manual): duplicate card charge, Dana refunds
    {
        "key": "c33",
        "contact": {
            "name": "Mark Delaney",
            "phone": "+15125550128",
            "email": "mark.delaney@outlook.example",
        },
        "channel": "email",
        "subject": "Invoice #10482 - charged twice?",
        "status": "escalated",
        "managed_by": "human",
        "escalation_reason": "manual",
        "lead_status": "Won",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 26.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi,\n\n"
                    "Last week you replaced our garbage disposal (invoice #10482, $425). My credit "
                    "card shows two charges of $425 on the same day. Can you look into this and "
                    "refund the duplicate?\n\n"
                    "Thanks,\nMark Delaney"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Mark,\n\n"
                    "Thanks for letting us know, and sorry for the hassle. Sometimes a card shows "
                    "a temporary pre-authorization that drops off on its own within a few business "
                    "days. If both charges are still there after that, just reply here and we'll "
                    "sort it out.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 3,
            },
            {
                "from": "customer",
                "body": (
                    "Hi,\n\n"
                    "Both charges have already posted, they're not pending. I'd like this fixed "
                    "please.\n\n"
                    "Mark"
                ),
                "minutes": 90,
            },
            {
                "from": "ai",
                "body": (
                    "Thanks - I've asked a member of the Brightwater team to get back to you "
                    "shortly."
                ),
                "minutes": 95,
            },
            {
                "from": "operator",
                "operator": "dana@brightwater-plumbing.example",
                "body": (
                    "Hi Mark,\n\n"
                    "Dana Whitfield here - I handle billing at Brightwater. You're right: the card "
                    "reader submitted your payment twice when our technician's tablet lost signal. "
                    "I've refunded the duplicate $425 today; you should see it within 3-5 business "
                    "days. I'm sorry about that.\n\n"
                    "Best,\nDana Whitfield\nBrightwater Plumbing & Heating"
                ),
                "minutes": 130,
            },
            {
                "from": "customer",
                "body": "Thanks Dana, appreciate the quick fix.\n\nMark",
                "minutes": 200,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [
            {
                "author": "dana@brightwater-plumbing.example",
                "body": (
                    "Duplicate charge confirmed - tablet dropped signal and the reader retried. "
                    "Refunded the duplicate $425. Told Ruben to wait for the receipt before "
                    "re-running a card."
                ),
                "minutes": 128,
            },
        ],
    },
    # c34 - Email: warranty info for a home sale, answered from the KB
    {
        "key": "c34",
        "contact": {
            "name": "Patricia Owens",
            "phone": None,
            "email": "patricia.owens@yahoo.example",
        },
        "channel": "email",
        "subject": "Water heater warranty for home sale",
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Won",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 330.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hello,\n\n"
                    "You replaced our water heater about 18 months ago. We are selling the house "
                    "and the buyer's agent is asking what warranty is left on it. Can you tell me "
                    "what coverage remains and whether it transfers to the new owners?\n\n"
                    "Thank you,\nPatricia Owens"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Patricia,\n\n"
                    "Thanks for reaching out, and good luck with the sale! Water heaters we "
                    "install carry our 2-year labor warranty plus the manufacturer's warranty on "
                    "the tank and parts, which is 6-12 years depending on the model. At about 18 "
                    "months, you have roughly 6 months of labor coverage left, and the "
                    "manufacturer's warranty stays with the home. Our labor warranty transfers to "
                    "the new owners too - they just need to let us know they've moved in.\n\n"
                    "If the buyer's agent needs the model and serial number, they're on the label "
                    "on the side of the heater.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 3,
            },
            {
                "from": "customer",
                "body": "Perfect, that's exactly what I needed. Thank you!\n\nPatricia",
                "minutes": 300,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c35 - Email: bathroom remodel, customer-supplied fixtures, timing before drywall
    {
        "key": "c35",
        "contact": {
            "name": "Daniel Osei",
            "phone": "+15125550129",
            "email": "daniel.osei@gmail.example",
        },
        "channel": "email",
        "subject": "Fixture install for bathroom remodel",
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Contacted",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 76.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hi there,\n\n"
                    "We're finishing a bathroom remodel and our contractor doesn't do plumbing. We "
                    "need a toilet, a vanity faucet, and a shower valve and trim installed. We've "
                    "already bought the fixtures (Kohler and Delta). Can you give me a price, and "
                    "do you work alongside other contractors?\n\n"
                    "Thanks,\nDaniel Osei"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Daniel,\n\n"
                    "Thanks for getting in touch - we're happy to work alongside your contractor. "
                    "For fixtures you supply, a toilet install starts at $275 and a faucet install "
                    "at $195. The shower valve depends on the valve type and whether the wall is "
                    "still open, so the tech will quote that on site. Because you're supplying the "
                    "fixtures, our warranty covers the labor and the manufacturers cover the "
                    "fixtures.\n\n"
                    "Would you like us to schedule a visit? We can usually come within a couple of "
                    "business days.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 4,
            },
            {
                "from": "customer",
                "body": (
                    "Thanks. The walls are still open right now - drywall goes up next Friday. Let "
                    "me check with the contractor on timing and I'll get back to you.\n\n"
                    "Daniel"
                ),
                "minutes": 180,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Daniel,\n\n"
                    "Sounds good. Since the walls are open, it's best to install the shower valve "
                    "before the drywall goes up so it can be tested with the wall open, so we'd "
                    "suggest booking in the next few days. Reply to this email and I'll send you "
                    "available times.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 185,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c36 - Email: thank-you note for a technician, closed
    {
        "key": "c36",
        "contact": {
            "name": "George Lamb",
            "phone": "+15125550130",
            "email": "george.lamb@outlook.example",
        },
        "channel": "email",
        "subject": "Thank you to Luis",
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Won",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 600.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hello,\n\n"
                    "I just wanted to say thank you to Luis, who came out yesterday to fix the "
                    "leak under our kitchen sink. He was on time, put down a drop cloth, explained "
                    "everything, and even showed my wife where the main shut-off is. We've used a "
                    "lot of contractors over the years and he was one of the best.\n\n"
                    "We'll be calling you about a water softener next.\n\n"
                    "Regards,\nGeorge Lamb"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi George,\n\n"
                    "Thank you so much for taking the time to write - I'll make sure Luis and the "
                    "whole team see this.\n\n"
                    "When you're ready to look at a softener, reply here or text (512) 555-0100 "
                    "and we'll set up a free estimate with a water hardness test.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 5,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c37 - Email: water softener estimate in Leander, books option 3
    {
        "key": "c37",
        "contact": {
            "name": "Anita Sharma",
            "phone": "+15125550131",
            "email": "anita.sharma@gmail.example",
        },
        "channel": "email",
        "subject": "Water softener estimate - Leander",
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 60.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Hello,\n\n"
                    "We just moved to Leander and the water is leaving white crust on everything. "
                    "We'd like an estimate for a water softener, and possibly a drinking water "
                    "filter for the kitchen. The house already has a softener loop in the garage. "
                    "What days do you have available?\n\n"
                    "Best,\nAnita Sharma"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Anita,\n\n"
                    "Welcome to Leander! Hard water is very common in the area. With a softener "
                    "loop already in place, installed softeners usually land toward the lower end "
                    "of our $1,800-$3,200 range, and we can quote a kitchen drinking water filter "
                    "at the same visit. The estimate is free and includes a water hardness test.\n"
                    "\nAvailable times:\n1) Thu 9:00 AM\n2) Thu 1:00 PM\n3) Fri 10:30 AM\n\n"
                    "Just reply with 1, 2 or 3 and your address.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 6,
            },
            {
                "from": "customer",
                "body": (
                    "Hi,\n\n"
                    "Option 3 please. The address is 2417 Wildflower Trail, Leander, TX 78641.\n\n"
                    "Thanks,\nAnita"
                ),
                "minutes": 95,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Anita,\n\n"
                    "You're booked for Fri 10:30 AM at 2417 Wildflower Trail, Leander. The "
                    "technician will text about 30 minutes before arriving. If anything changes, "
                    "you can reschedule for free up to 24 hours before.\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 97,
            },
        ],
        "calls": [],
        "appointments": [
            {
                "starts_in_hours": 40.0,
                "duration_minutes": 60,
                "title": "Water softener estimate + water test",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c38 - Email: HOA needs permit proof for a tankless install
    {
        "key": "c38",
        "contact": {
            "name": "Laura Bennett",
            "phone": None,
            "email": "laura.bennett@outlook.example",
        },
        "channel": "email",
        "subject": "Permits for a tankless water heater (HOA)",
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "WARM",
        "opted_out": False,
        "started_hours_ago": 6.0,
        "messages": [
            {
                "from": "customer",
                "body": (
                    "Good afternoon,\n\n"
                    "Our HOA requires proof of a city permit before any exterior changes. We're "
                    "considering a tankless water heater that would vent through the side of the "
                    "house. Do you pull the permits, and can you provide documentation for the "
                    "HOA? Also, do you install Rinnai?\n\n"
                    "Thank you,\nLaura Bennett"
                ),
                "minutes": 0,
            },
            {
                "from": "ai",
                "body": (
                    "Hi Laura,\n\n"
                    "Yes to both. We pull the city permit for every water heater installation, and "
                    "the cost is included in your quote. Once it's issued we can email you a copy "
                    "for your HOA, and we schedule the city inspection after the install. We "
                    "install both Rinnai and Navien tankless heaters; a gas tankless conversion "
                    "typically runs $3,800-$5,500 depending on gas line sizing and venting, and "
                    "the in-home estimate is free.\n\n"
                    "Would you like to schedule an estimate?\n\n"
                    "Best regards,\nBrightwater Plumbing & Heating"
                ),
                "minutes": 3,
            },
            {
                "from": "customer",
                "body": (
                    "Thank you, that's helpful. We'll get the HOA's pre-approval first and then "
                    "reach out to schedule.\n\n"
                    "Laura"
                ),
                "minutes": 150,
            },
        ],
        "calls": [],
        "appointments": [],
        "notes": [],
    },
    # c39 - Voice: burst pipe at night, shut-off walkthrough, on-call dispatch
    {
        "key": "c39",
        "contact": {"name": "Ben Alvarez", "phone": "+15125550132", "email": None},
        "channel": "voice",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Won",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 14.0,
        "messages": [],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 236,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1031.mp3",
                "summary": (
                    "Caller had a burst pipe in the attic; agent walked him through shutting off "
                    "the main and dispatched the on-call technician ($189 after-hours fee "
                    "accepted)."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Yeah, hi, water is pouring out of my hallway ceiling. I think a pipe "
                            "burst in the attic. It's everywhere."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "I'm sorry - let's stop the water first. Do you know where your main "
                            "shut-off is? It's often a valve where the line enters the house, in "
                            "the garage or near the water heater, or in the meter box by the curb."
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "Uh, there's a valve in the garage by the water heater, I think.",
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Turn that valve clockwise until it stops, or a quarter turn so the "
                            "handle is across the pipe. Then open a faucet downstairs to drain the "
                            "pressure. Tell me when the water slows down."
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "Okay... okay, it's slowing down. It's just dripping now.",
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Good job. Please also set the water heater to Pilot, and move "
                            "anything valuable away from the drip. I can dispatch our on-call "
                            "technician now. After-hours emergency visits are a $189 call fee plus "
                            "the repair. Is that okay?"
                        ),
                    },
                    {"speaker": "customer", "text": "Yes, whatever, just get someone here."},
                    {"speaker": "agent", "text": "Understood. What's the address?"},
                    {"speaker": "customer", "text": "9300 Tallwood Drive, Austin, 78759."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Thank you, Ben. Derek is on call tonight. He'll call you when he's on "
                            "the way, and typical arrival is 60 to 90 minutes. Anything else I can "
                            "do right now?"
                        ),
                    },
                    {"speaker": "customer", "text": "No. Thank you, seriously."},
                ],
            },
        ],
        "appointments": [
            {
                "starts_in_hours": -12.8,
                "duration_minutes": 120,
                "title": "EMERGENCY: burst pipe in attic",
                "status": "completed",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "Derek replaced ~4 ft of split 3/4-inch copper in the attic (no insulation on "
                    "that run). Paid by card. Recommend repipe estimate - copper is original 1985."
                ),
                "minutes": 240,
            },
        ],
    },
    # c40 - Voice: booking a water heater replacement estimate
    {
        "key": "c40",
        "contact": {"name": "Carol Jennings", "phone": "+15125550133", "email": None},
        "channel": "voice",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 33.0,
        "messages": [],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 188,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1032.mp3",
                "summary": (
                    "Caller's 15-year-old gas water heater is rumbling; booked a free replacement "
                    "estimate for Wednesday 10:30 AM."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Hi. Our water heater is about fifteen years old and it's started "
                            "making this rumbling, popping noise. I think it's time to replace it "
                            "before it dies."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "That noise is usually sediment built up in the tank, and at fifteen "
                            "years replacing it is a smart move. A standard 40 to 50 gallon "
                            "replacement usually runs nineteen hundred to thirty-two hundred "
                            "dollars installed, including the permit and haul-away. The estimate "
                            "is free. Would you like to book one?"
                        ),
                    },
                    {"speaker": "customer", "text": "Yes. Is it gas or electric that matters?"},
                    {
                        "speaker": "agent",
                        "text": (
                            "It does a bit - and where it's installed. Attic installs cost more. "
                            "Do you know which you have?"
                        ),
                    },
                    {"speaker": "customer", "text": "Gas, and it's in the garage."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Great, that's usually on the simpler side. I have Tuesday at 9 AM, "
                            "Tuesday at 1 PM, or Wednesday at 10:30 AM."
                        ),
                    },
                    {"speaker": "customer", "text": "Wednesday at 10:30."},
                    {
                        "speaker": "agent",
                        "text": "You're booked for Wednesday at 10:30 AM. Can I get the address?",
                    },
                    {"speaker": "customer", "text": "It's 1113 Ridgeview Street, Georgetown."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks, Carol. You'll get a text confirmation now, and the tech will "
                            "text about 30 minutes before arriving. Anything else?"
                        ),
                    },
                    {"speaker": "customer", "text": "No, that's it. Thank you."},
                ],
            },
        ],
        "appointments": [
            {
                "starts_in_hours": 21.0,
                "duration_minutes": 60,
                "title": "Water heater replacement estimate",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [],
    },
    # c41 - Voice: price shopping (service fee, drains, weekends)
    {
        "key": "c41",
        "contact": {"name": "Victor Salinas", "phone": "+15125550134", "email": None},
        "channel": "voice",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 6.0,
        "messages": [],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 121,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1033.mp3",
                "summary": (
                    "Caller asked about the service call fee, drain cleaning and Saturday pricing; "
                    "no booking yet."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Yeah, I'm just calling around for prices. What do you charge to come "
                            "out?"
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Our service call is $89 during business hours, and it's credited "
                            "toward the repair if you go ahead the same visit."
                        ),
                    },
                    {"speaker": "customer", "text": "And if it's a clogged drain? Kitchen sink."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Clearing a standard sink clog starts at $149. If it turns out to be "
                            "the main line, clearing through a cleanout starts at $249."
                        ),
                    },
                    {"speaker": "customer", "text": "Do you charge more on Saturday?"},
                    {
                        "speaker": "agent",
                        "text": (
                            "No - Saturday appointments between 8 AM and 2 PM are regular rates. "
                            "Only after-hours, Sunday and holiday emergencies have the $189 call "
                            "fee."
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "Okay. Let me check with a couple other places and I'll call back.",
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Sounds good. You can also text this number any time to book. Thanks "
                            "for calling."
                        ),
                    },
                ],
            },
        ],
        "appointments": [],
        "notes": [],
    },
    # c42 - Voice: wrong number
    {
        "key": "c42",
        "contact": {"name": None, "phone": "+15125550135", "email": None},
        "channel": "voice",
        "subject": None,
        "status": "closed",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "New",
        "lead_temperature": "COLD",
        "opted_out": False,
        "started_hours_ago": 75.0,
        "messages": [],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 27,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1034.mp3",
                "summary": "Wrong number - caller was trying to order pizza.",
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Hey, is this Tony's on Burnet? I want to order a large pepperoni for "
                            "pickup."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Sorry, you've reached Brightwater Plumbing and Heating, not a "
                            "restaurant."
                        ),
                    },
                    {"speaker": "customer", "text": "Oh, my bad. Wrong number."},
                    {
                        "speaker": "agent",
                        "text": (
                            "No problem at all. If you ever have a leak, you know who to call. "
                            "Have a good night!"
                        ),
                    },
                    {"speaker": "customer", "text": "Ha, okay. Bye."},
                ],
            },
        ],
        "appointments": [],
        "notes": [],
    },
    # c43 - Voice escalated (negative sentiment): angry callback about a late technician
    {
        "key": "c43",
        "contact": {"name": "Frank Morales", "phone": "+15125550136", "email": None},
        "channel": "voice",
        "subject": None,
        "status": "escalated",
        "managed_by": "ai",
        "escalation_reason": "negative_sentiment",
        "lead_status": "Booked",
        "lead_temperature": "COOL",
        "opted_out": False,
        "started_hours_ago": 1.5,
        "messages": [],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 97,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1035.mp3",
                "summary": (
                    "Caller is angry that the 9:00 AM technician hadn't arrived or called by "
                    "10:30; asked for a manager, escalated for an urgent callback."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Yeah, I had an appointment at nine this morning. It's ten thirty. "
                            "Nobody's here, nobody called. I took the morning off work for this."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "I'm really sorry, Mr. Morales. I can see your appointment today at "
                            "9:00 AM for the shower valve repair. Let me find out where the "
                            "technician is."
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "I don't want you to find out. I want to know why nobody bothered to "
                            "call me. This is ridiculous."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "You're right, you should have heard from us. Our technicians are "
                            "supposed to text 30 minutes before arriving, and that didn't happen."
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "I don't want a text. I want to talk to whoever's in charge.",
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Understood. I've flagged this as urgent. Thanks - I've asked a member "
                            "of the Brightwater team to get back to you shortly. Is this the best "
                            "number to reach you?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "Yes, this number. And they'd better call soon.",
                    },
                    {"speaker": "agent", "text": "They will. Again, I'm sorry about this morning."},
                ],
            },
        ],
        "appointments": [
            {
                "starts_in_hours": -3.0,
                "duration_minutes": 90,
                "title": "Leaking shower valve repair",
                "status": "booked",
                "source": "operator",
            },
        ],
        "notes": [
            {
                "author": "marcus@brightwater-plumbing.example",
                "body": (
                    "Ruben got stuck on an emergency slab leak in Hutto and didn't text ahead. "
                    "Calling Frank back now - waive the service call fee."
                ),
                "minutes": 6,
            },
        ],
    },
    # c44 - Voice: property manager, tenant has no heat, furnace booked this afternoon
    {
        "key": "c44",
        "contact": {
            "name": "Teresa Vaughn",
            "phone": "+15125550137",
            "email": "teresa@lakelinerentals.example",
        },
        "channel": "voice",
        "subject": None,
        "status": "active",
        "managed_by": "ai",
        "escalation_reason": None,
        "lead_status": "Booked",
        "lead_temperature": "HOT",
        "opted_out": False,
        "started_hours_ago": 4.0,
        "messages": [],
        "calls": [
            {
                "direction": "inbound",
                "minutes": 0,
                "duration_seconds": 214,
                "recording_url": "https://recordings.brightwater-plumbing.example/calls/CA1036.mp3",
                "summary": (
                    "Property manager reported a tenant's furnace clicking but not lighting (no "
                    "gas smell); booked an $89 furnace diagnosis this afternoon, billed to "
                    "Lakeline Rentals."
                ),
                "transcript": [
                    {
                        "speaker": "agent",
                        "text": (
                            "Thanks for calling Brightwater Plumbing and Heating. How can I help?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "Hi, this is Teresa Vaughn with Lakeline Rentals. One of our tenants "
                            "in Cedar Park has no heat. The furnace clicks but it never lights."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": "I can help with that. First, does anyone smell gas in the house?",
                    },
                    {"speaker": "customer", "text": "No, I asked her. No smell."},
                    {
                        "speaker": "agent",
                        "text": (
                            "Good. A furnace that clicks but won't light is often the igniter or "
                            "flame sensor. The diagnostic visit is $89 and is credited toward the "
                            "repair. We can bill Lakeline directly - is there a PO number or a "
                            "not-to-exceed amount?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": "No PO, but call me before anything over three hundred.",
                    },
                    {
                        "speaker": "agent",
                        "text": "Got it. I have this afternoon at 2:00 PM or tomorrow at 8:00 AM.",
                    },
                    {
                        "speaker": "customer",
                        "text": "This afternoon, please. It's supposed to get cold tonight.",
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Booked for today at 2:00 PM. What's the address and the tenant's name?"
                        ),
                    },
                    {
                        "speaker": "customer",
                        "text": (
                            "1420 Brushy Creek Road, unit B, Cedar Park. Tenant is Angela. She's "
                            "working from home today."
                        ),
                    },
                    {
                        "speaker": "agent",
                        "text": (
                            "Thank you. The tech will text Angela about 30 minutes before arriving "
                            "and call you with the diagnosis before any work over $300. Anything "
                            "else?"
                        ),
                    },
                    {"speaker": "customer", "text": "That's all, thanks."},
                ],
            },
        ],
        "appointments": [
            {
                "starts_in_hours": 1.5,
                "duration_minutes": 90,
                "title": "No heat - furnace diagnosis (tenant unit)",
                "status": "booked",
                "source": "ai",
            },
        ],
        "notes": [
            {
                "author": "jamie@brightwater-plumbing.example",
                "body": (
                    "Bill Lakeline Rentals (Teresa). Call her before any work over $300. Tenant "
                    "Angela at 1420 Brushy Creek Rd unit B."
                ),
                "minutes": 5,
            },
        ],
    },
]
