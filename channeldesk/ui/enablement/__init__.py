"""The Enablement tab: asset library, distribution to partners, launch campaigns, courses
and certifications."""
