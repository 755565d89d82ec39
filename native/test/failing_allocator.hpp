// A global operator new that can be told to fail once: tests arm it to throw std::bad_alloc at the
// k-th allocation from then on, on any thread, and so reach every point where a kernel allocates.
#pragma once

namespace pk::test {

// The allocation after the next `count` ones (counted across all threads) throws std::bad_alloc;
// a negative count disarms it.
void failAllocationAfter(long count);

// Whether the armed failure has happened since the last failAllocationAfter().
bool allocationFailed();

}  // namespace pk::test
