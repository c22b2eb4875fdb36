from django.contrib import admin

from .models import Category, GlossaryTerm, Section, SynonymGroup


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_zh_hans", "internal", "position"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["slug", "category", "name_en", "name_zh_hans", "restricted", "position"]
    filter_horizontal = ["editors"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["key", "term_en", "term_zh_hans", "article_slug"]
    search_fields = ["key", "term_en", "term_zh_hans"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["words", "updated_at"]
