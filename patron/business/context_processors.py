from patron.business.brand import font_stack


def business(request):
    business = getattr(request, "business", None)
    if not business:
        return {"business": None}
    return {"business": business, "brand_font": font_stack(business.typeface)}
