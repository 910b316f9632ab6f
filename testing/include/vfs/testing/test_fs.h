// Placeholder; replaced by the conformance checker.
#pragma once
