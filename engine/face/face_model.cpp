#include "engine/face/face_model.h"
