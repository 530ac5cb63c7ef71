/* version.h — one version for every binary of vessel. */
#pragma once
#define VESSEL_VERSION "0.1.0"
