"""Reflections for the demo's feedback matrix: paraphrased in the spirit of the seed paper's
focus groups (not quoted from it), under the subthemes of its Table 1, each with who would say
it. The outcomes step records each quote once, so no two excerpts of the demo are the same.

Quotes name nobody, and use no word that is also a name somebody in the demo has (the
reflection service redacts those, as it should): tests/demo/test_program.py checks.
"""

from __future__ import annotations

PEER = "peer_supporter"
STAFF = "staff"
CLIENT = "client"

# Subtheme (as named in outcomes.feedback.TABLE_1) -> [(respondent role, quote)].
QUOTES: dict[str, list[tuple[str, str]]] = {
    "Promoting client autonomy": [
        (PEER, "We took the bus together twice and now she goes to the drop-in on her own."),
        (PEER, "I suggest a walk or the library, but the choice is always theirs."),
        (CLIENT, "Nobody told me what to do; we worked it out together and I made the calls "
                 "myself."),
        (STAFF, "Patients come back from outings with their peer and tell us what they "
                "arranged, not what was arranged for them."),
    ],
    "Establishing a safety net": [
        (PEER, "People leave the ward and vanish from every service; we are the ones who keep "
               "calling."),
        (PEER, "He told me I'm the one person he can still phone when everything else has "
               "closed his file."),
        (CLIENT, "Knowing someone would call on Thursday got me through some bad weeks."),
        (STAFF, "When a discharged patient stops answering us, the peer supporter often still "
                "knows where they are."),
    ],
    "Peer support offers hope to clients": [
        (PEER, "When they hear we have been through the same thing and are doing okay, you can "
               "see hope."),
        (CLIENT, "She had been on the same ward years ago and now she has a job; that stayed "
                 "with me."),
        (STAFF, "Some patients light up when they realise the visitor has been an inpatient "
                "too."),
    ],
    "Reducing readmissions and the cost of healthcare": [
        (PEER, "She says this time feels different; she thinks she'll stay out of hospital "
               "longer."),
        (STAFF, "We are seeing fewer of the familiar faces come back through emergency."),
        (CLIENT, "Last year I was back on the ward within a month; this year I have stayed "
                 "home."),
    ],
    "Ensuring consistent presence": [
        (PEER, "When he was readmitted I just kept visiting, on the ward instead of the coffee "
               "shop."),
        (CLIENT, "Even when I was back in hospital she still came every week."),
        (STAFF, "The supporter kept coming during the readmission, which made the second "
                "discharge much smoother."),
    ],
    "Helping clients to build their capacity and develop a routine": [
        (PEER, "We built a weekly routine around groceries and the community garden."),
        (CLIENT, "Having a set day for laundry and the library made the week feel manageable."),
        (PEER, "Small things first: getting up at the same time, cooking one proper meal."),
        (STAFF, "On the ward you can tell who has a peer: they talk about their plans for the "
                "week."),
    ],
    "Attending regular on-ward and community meetings": [
        (PEER, "The Tuesday group on the ward is where clients first get to know who we are."),
        (CLIENT, "I went to the ward group out of boredom and left with a phone number I still "
                 "use."),
        (STAFF, "The on-ward group is now on the unit calendar and patients ask about it."),
    ],
    "Accompanying clients to appointments": [
        (PEER, "Going with him to the housing appointment meant he actually said what he "
               "needed."),
        (CLIENT, "I would not have gone to the benefits office alone."),
        (STAFF, "Patients keep their first community appointment more often when a peer goes "
                "along."),
    ],
    "Working with clients to develop and to set goals": [
        (PEER, "We broke 'go back to school' into small steps, starting with the open house."),
        (CLIENT, "Writing the steps down made the goal look possible."),
        (PEER, "Some weeks the goal is just getting out of the apartment, and that counts."),
    ],
    "Peer support is fulfilling": [
        (PEER, "Honestly it gives me as much as it gives them; I look forward to every visit."),
        (PEER, "Seeing someone I first met on the ward now running their own errands is the "
               "best part."),
        (PEER, "It is the first work in years where my own history is an asset."),
    ],
    "TDM as a different and exciting model": [
        (PEER, "Meeting people before discharge is new for us and it changes the whole "
               "relationship."),
        (STAFF, "Starting the relationship on the ward, before discharge, is what makes this "
                "different from a referral list."),
        (STAFF, "I was doubtful at first, but the handover to the community is much warmer "
                "now."),
        (CLIENT, "I met my supporter before I left the hospital, so going home did not feel like "
                 "starting from zero."),
    ],
    "Fostering own recovery": [
        (PEER, "Supporting someone else keeps me on track with my own recovery."),
        (PEER, "Preparing for visits means I look after my own routine too."),
        (PEER, "I use the same coping plans I share with clients, and they work for me as "
               "well."),
    ],
    "Lack of understanding and appreciation of peer support roles": [
        (PEER, "Some nurses still think we are visitors and don't tell us anything."),
        (PEER, "On one unit I had to explain who I was every single week."),
        (STAFF, "At the start I was not sure what the peers were allowed to do on the unit."),
    ],
    "Issues with matching peer supporter to clients": [
        (PEER, "I was matched with someone thirty years younger and we had nothing in common."),
        (CLIENT, "We clicked at first, then nothing; we had run out of things to talk about."),
        (PEER, "A match that looked right on paper did not survive the first coffee."),
    ],
    "Issues of stigma": [
        (PEER, "I worried my neighbours would find out why I volunteer on a psychiatric ward."),
        (CLIENT, "At first I did not want to be seen with a peer worker in my own "
                 "neighbourhood."),
        (PEER, "People at my other job still don't know what I do on Tuesdays."),
    ],
    "Concerns about personal safety and vulnerability": [
        (PEER, "A client shouted at me at the community meeting and I didn't know who to "
               "call."),
        (PEER, "Home visits felt risky until we agreed a plan with the coordinator."),
        (STAFF, "We worry about volunteers meeting people alone in the first weeks after "
                "discharge."),
    ],
    "Fear of thinking about own triggers": [
        (PEER, "Some stories bring back my own admission and I need time afterwards."),
        (PEER, "Walking back onto the ward where I was a patient was harder than I expected."),
        (PEER, "After a hard visit I call my own supporter before I go home."),
    ],
    "Clients dropping out of the peer support program": [
        (PEER, "After a few weeks she stopped answering and we never found out why."),
        (STAFF, "Some patients agree on the ward and then are gone from every contact list."),
        (CLIENT, "I stopped calling back when things got bad; I was embarrassed, not "
                 "ungrateful."),
    ],
    "Dealing with matching issues": [
        (PEER, "Match on interests and age, not on diagnosis, and let us swap when it doesn't "
               "click."),
        (CLIENT, "Ask the client what matters in a supporter; for me it was speaking French."),
        (STAFF, "A quick way to re-match without anyone feeling they failed would help."),
    ],
    "Clarifying peer supporters' roles": [
        (PEER, "A one-page description of what we do would help the ward staff."),
        (STAFF, "A short session for nurses on what peers do and do not do would avoid "
                "confusion."),
        (CLIENT, "I thought she was a social worker at first; tell people plainly what a peer "
                 "is."),
    ],
    "Improving communication": [
        (PEER, "Tell us the discharge date early; twice I found out the client had already "
               "gone home."),
        (STAFF, "We need one place where the team and the peer leave notes for each other."),
        (CLIENT, "Nobody told my supporter I was back in hospital; she found out from my "
                 "sister."),
    ],
    "Providing appropriate training": [
        (PEER, "More role play on hard conversations, and on looking after our own triggers."),
        (PEER, "Training on the benefits system would make the appointments easier."),
        (STAFF, "Peers would benefit from a refresher on the unit's confidentiality rules."),
        (CLIENT, "My supporter knew how the housing forms work; you can tell the training "
                 "covered it."),
    ],
    "Bending information sharing rules": [
        (PEER, "A little background, with the client's agreement, would make the first visit "
               "safer."),
        (CLIENT, "I was happy for my supporter to know about my stay; the form just never "
                 "asked."),
        (STAFF, "If the client consents, we should be able to tell the peer more than a first "
                "name."),
    ],
}
