"""French names of the seed paper's Table 1 themes and subthemes (decision 0025): the
codebook's rows carry their French in `name_fr`, filled from here when seeded."""

from __future__ import annotations

TABLE_1_FR: dict[str, str] = {
    "Perceived benefits of implementing TDM": "Bienfaits perçus de la mise en œuvre du MTS",
    "Promoting client autonomy": "Favoriser l'autonomie des clients",
    "Establishing a safety net": "Établir un filet de sécurité",
    "Peer support offers hope to clients": "Le soutien par les pairs donne espoir aux clients",
    "Reducing readmissions and the cost of healthcare":
        "Réduire les réadmissions et le coût des soins de santé",
    "Ensuring consistent presence": "Assurer une présence constante",
    "Roles of peer supporters": "Rôles des pairs aidants",
    "Helping clients to build their capacity and develop a routine":
        "Aider les clients à renforcer leurs capacités et à se donner une routine",
    "Attending regular on-ward and community meetings":
        "Assister aux rencontres régulières à l'unité et dans la communauté",
    "Accompanying clients to appointments": "Accompagner les clients à leurs rendez-vous",
    "Working with clients to develop and to set goals":
        "Travailler avec les clients à se fixer des objectifs",
    "Overall experience of involvement in TDM": "Expérience globale de la participation au MTS",
    "Peer support is fulfilling": "Le soutien par les pairs est valorisant",
    "TDM as a different and exciting model": "Le MTS, un modèle différent et stimulant",
    "Fostering own recovery": "Favoriser son propre rétablissement",
    "Hindrances to the involvement of peer supporters":
        "Obstacles à la participation des pairs aidants",
    "Lack of understanding and appreciation of peer support roles":
        "Méconnaissance et manque de reconnaissance des rôles de soutien par les pairs",
    "Issues with matching peer supporter to clients":
        "Difficultés de jumelage entre pairs aidants et clients",
    "Issues of stigma": "Stigmatisation",
    "Concerns about personal safety and vulnerability":
        "Inquiétudes quant à la sécurité personnelle et à la vulnérabilité",
    "Fear of thinking about own triggers": "Crainte de penser à ses propres déclencheurs",
    "Clients dropping out of the peer support program":
        "Abandon du programme de soutien par les pairs par des clients",
    "Strategies for effective involvement of peer supporters":
        "Stratégies pour une participation efficace des pairs aidants",
    "Dealing with matching issues": "Régler les difficultés de jumelage",
    "Clarifying peer supporters' roles": "Clarifier les rôles des pairs aidants",
    "Improving communication": "Améliorer la communication",
    "Providing appropriate training": "Offrir une formation appropriée",
    "Bending information sharing rules": "Assouplir les règles de partage de l'information",
}
