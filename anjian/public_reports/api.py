from ninja import Router

router = Router(tags=["public_reports"])
