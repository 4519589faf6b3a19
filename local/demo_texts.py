"""What the demo shop's customers and agents write (local/demo.py), in English, Spanish and Polish.

Each scenario is one conversation: the customer's question, the agent's answer to that question,
the customer's answer to the agent (by e-mail), a follow-up while waiting, and the agents' private
note. `{ref}` is one of the customer's orders (`order`: one not yet delivered, one delivered, any),
`{product}` / `{product_object}` a product of the shop in the message's language (Polish needs the
object's case), `{street}` a delivery address of the customer's country.
"""

from __future__ import annotations

from typing import Any

SHOP_TEAM = "Shopdesk demo shop"

# (e-mail, name, language): the customer signs with the first name.
CUSTOMERS = [
    ("emma.wilson@example.com", "Emma Wilson", "en"),
    ("oliver.brown@example.co.uk", "Oliver Brown", "en"),
    ("sophia.miller@example.com", "Sophia Miller", "en"),
    ("james.taylor@example.org", "James Taylor", "en"),
    ("lucia.garcia@example.es", "Lucía García", "es"),
    ("mateo.fernandez@example.es", "Mateo Fernández", "es"),
    ("sofia.martinez@example.mx", "Sofía Martínez", "es"),
    ("diego.lopez@example.es", "Diego López", "es"),
    ("zofia.kowalska@example.pl", "Zofia Kowalska", "pl"),
    ("jakub.nowak@example.pl", "Jakub Nowak", "pl"),
    ("anna.wisniewska@example.pl", "Anna Wiśniewska", "pl"),
    ("piotr.wojcik@example.pl", "Piotr Wójcik", "pl"),
    ("noah.davies@example.com", "Noah Davies", "en"),
    ("carmen.ruiz@example.es", "Carmen Ruiz", "es"),
]

# The agents who answer (the demo logins), and the first name they sign with.
AGENTS = (("agent@shop.example", "Alex"), ("admin@shop.example", "Sam"))

# (product, product as an object) per language.
PRODUCTS = {
    "en": [("Linen shirt", "the linen shirt"), ("Wool scarf", "the wool scarf"), ("Leather wallet", "the leather wallet"),
           ("Canvas backpack", "the canvas backpack"), ("Rain jacket", "the rain jacket")],
    "es": [("Camisa de lino", "la camisa de lino"), ("Bufanda de lana", "la bufanda de lana"), ("Cartera de piel", "la cartera de piel"),
           ("Mochila de lona", "la mochila de lona"), ("Chubasquero", "el chubasquero")],
    "pl": [("Koszula lniana", "koszulę lnianą"), ("Szalik wełniany", "szalik wełniany"), ("Portfel skórzany", "portfel skórzany"),
           ("Plecak płócienny", "plecak płócienny"), ("Kurtka przeciwdeszczowa", "kurtkę przeciwdeszczową")],
}
STREETS = {"en": "12 Baker Street, London NW1 6XE", "es": "Calle Mayor 5, 28013 Madrid", "pl": "ul. Długa 12, 80-827 Gdańsk"}

GREETINGS = {"en": "Hello {name},", "es": "Hola, {name}:", "pl": "Dzień dobry,"}
SIGN_OFFS = {"en": "Kind regards,", "es": "Un saludo,", "pl": "Pozdrawiamy,"}
# The shop's own default message per language (Options): the reply form starts from it.
DEFAULT_REPLIES = {
    "en": "Hello,\n\n\n\nKind regards,\nCustomer service, " + SHOP_TEAM,
    "es": "Hola:\n\n\n\nUn saludo,\nAtención al cliente, " + SHOP_TEAM,
    "pl": "Dzień dobry,\n\n\n\nPozdrawiamy,\nObsługa klienta, " + SHOP_TEAM,
}

SCENARIOS: list[dict[str, Any]] = [
    {
        "order": "waiting", "product": False,
        "question": {"en": "Hello, my order {ref} has not arrived yet. Could you tell me where it is?",
                     "es": "Hola, mi pedido {ref} todavía no ha llegado. ¿Pueden decirme dónde está?",
                     "pl": "Dzień dobry, moje zamówienie {ref} jeszcze nie dotarło. Gdzie ono jest?"},
        "answer": {"en": "Your order {ref} left our warehouse yesterday; the carrier will deliver it within two working days.",
                   "es": "Su pedido {ref} salió ayer de nuestro almacén; el transportista lo entregará en dos días laborables.",
                   "pl": "Zamówienie {ref} wyjechało wczoraj z magazynu; kurier dostarczy je w ciągu dwóch dni roboczych."},
        "customer_answer": {"en": "Thank you! The parcel arrived this morning.",
                            "es": "¡Gracias! El paquete ha llegado esta mañana.",
                            "pl": "Dziękuję! Paczka dotarła dziś rano."},
        "follow_up": {"en": "Any news about order {ref}, please?", "es": "¿Alguna novedad sobre el pedido {ref}, por favor?",
                      "pl": "Czy są jakieś wieści w sprawie zamówienia {ref}?"},
        "note": "Checked with the carrier: the parcel was scanned at the depot this morning.",
    },
    {
        "order": None, "product": True,
        "question": {"en": "Is {product_object} available in size M? I would like to order two.",
                     "es": "¿Tienen {product_object} en talla M? Quiero pedir dos.",
                     "pl": "Czy mają Państwo {product_object} w rozmiarze M? Chcę zamówić dwie sztuki."},
        "answer": {"en": "Yes, {product_object} is in stock in size M: you can order two on its page right away.",
                   "es": "Sí, tenemos {product_object} en talla M: puede pedir dos en su página ahora mismo.",
                   "pl": "Tak, mamy {product_object} w rozmiarze M: można od razu zamówić dwie sztuki na stronie produktu."},
        "customer_answer": {"en": "Great, I have just placed the order. Thank you!",
                            "es": "Perfecto, acabo de hacer el pedido. ¡Gracias!",
                            "pl": "Świetnie, zamówienie już złożone. Dziękuję!"},
        "follow_up": {"en": "I am still waiting for an answer about the size.", "es": "Sigo esperando una respuesta sobre la talla.",
                      "pl": "Nadal czekam na odpowiedź w sprawie rozmiaru."},
        "note": "Stock checked: six left in M.",
    },
    {
        "order": "delivered", "product": True,
        "question": {"en": "Order {ref} arrived today, but {product_object} is damaged. How can I return it?",
                     "es": "El pedido {ref} llegó hoy, pero {product_object} viene con un defecto. ¿Cómo hago la devolución?",
                     "pl": "Zamówienie {ref} dotarło dziś, ale przesyłka jest uszkodzona. Jak mogę zwrócić {product_object}?"},
        "answer": {"en": "We are sorry about that. We have e-mailed you a prepaid return label for order {ref}; "
                         "as soon as the parcel is back we will send a new one at no cost.",
                   "es": "Lo sentimos mucho. Le hemos enviado por correo una etiqueta de devolución prepagada para el pedido {ref}; "
                         "en cuanto recibamos el paquete le enviaremos otro sin coste.",
                   "pl": "Bardzo nam przykro. Wysłaliśmy e-mailem opłaconą etykietę zwrotną do zamówienia {ref}; "
                         "gdy tylko paczka do nas wróci, wyślemy nowy produkt bez dodatkowych kosztów."},
        "customer_answer": {"en": "Thank you, I will post it tomorrow.", "es": "Gracias, lo envío mañana.",
                            "pl": "Dziękuję, jutro nadam paczkę."},
        "follow_up": {"en": "I can send photos of the damage if that helps.", "es": "Puedo enviar fotos del defecto si les sirve.",
                      "pl": "Mogę przesłać zdjęcia uszkodzenia, jeśli to pomoże."},
        "note": "Return label sent; the replacement ships when the parcel is back.",
    },
    {
        "order": "any", "product": False,
        "question": {"en": "Could you send me an invoice for order {ref}, please?",
                     "es": "¿Me pueden enviar la factura del pedido {ref}, por favor?",
                     "pl": "Czy mogą Państwo przesłać fakturę do zamówienia {ref}?"},
        "answer": {"en": "The invoice for order {ref} is now in your account, under Order history.",
                   "es": "La factura del pedido {ref} ya está en su cuenta, en Historial de pedidos.",
                   "pl": "Faktura do zamówienia {ref} jest już na Państwa koncie, w zakładce Historia zamówień."},
        "customer_answer": {"en": "Found it, thank you!", "es": "¡Ya la tengo, gracias!", "pl": "Faktura jest, dziękuję!"},
        "follow_up": {"en": "The invoice also needs my company's VAT number.", "es": "La factura necesita también el NIF de mi empresa.",
                      "pl": "Na fakturze potrzebny jest też NIP mojej firmy."},
        "note": "Invoice generated again in the shop's back office.",
    },
    {
        "order": None, "product": False,
        "question": {"en": "The payment page shows an error when I try to pay by card.",
                     "es": "La página de pago da un error cuando intento pagar con tarjeta.",
                     "pl": "Strona płatności pokazuje błąd, gdy próbuję zapłacić kartą."},
        "answer": {"en": "Thank you for telling us: card payments failed for an hour this morning and work again now. Could you try once more?",
                   "es": "Gracias por avisarnos: los pagos con tarjeta fallaron durante una hora esta mañana y ya funcionan. ¿Puede intentarlo de nuevo?",
                   "pl": "Dziękujemy za informację: płatności kartą nie działały dziś rano przez godzinę, teraz już działają. Czy mogą Państwo spróbować ponownie?"},
        "customer_answer": {"en": "It worked this time, thanks.", "es": "Esta vez ha funcionado, gracias.",
                            "pl": "Tym razem się udało, dziękuję."},
        "follow_up": {"en": "I tried again and it still fails.", "es": "Lo he vuelto a intentar y sigue fallando.",
                      "pl": "Kolejna próba też się nie udała."},
        "note": "The payment provider was down from 9:00 to 10:00; customers were asked to try again.",
    },
    {
        "order": "waiting", "product": False,
        "question": {"en": "Can I change the delivery address of order {ref}?",
                     "es": "¿Puedo cambiar la dirección de entrega del pedido {ref}?",
                     "pl": "Czy mogę zmienić adres dostawy zamówienia {ref}?"},
        "answer": {"en": "Yes: order {ref} has not shipped yet. Reply with the new address and we will change it.",
                   "es": "Sí: el pedido {ref} todavía no ha salido. Responda con la nueva dirección y la cambiaremos.",
                   "pl": "Tak: zamówienie {ref} nie zostało jeszcze wysłane. Prosimy odpisać z nowym adresem, a go zmienimy."},
        "customer_answer": {"en": "Thank you! The new address is {street}.", "es": "¡Gracias! La nueva dirección es {street}.",
                            "pl": "Dziękuję! Nowy adres to {street}."},
        "follow_up": {"en": "Has the address been changed?", "es": "¿Han cambiado ya la dirección?", "pl": "Czy adres został już zmieniony?"},
        "note": "The carrier allows an address change until dispatch.",
    },
]

ORDER_STATES = ["Awaiting payment", "Payment accepted", "Processing in progress", "Shipped", "Delivered"]

UNKNOWN_SENDER = {
    "from": "Hannah Schmidt <hannah.schmidt@example.de>",
    "subject": "Wholesale prices?",
    "text": "Hello, we run a small shop in Berlin. Do you offer wholesale prices for 50 wool scarves?\n\nBest regards,\nHannah Schmidt",
}
