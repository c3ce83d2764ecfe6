from django import template

register = template.Library()


@register.filter
def absolute(value: int) -> int:
    return abs(value)
