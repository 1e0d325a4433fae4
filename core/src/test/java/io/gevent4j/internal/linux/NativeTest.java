package io.gevent4j.internal.linux;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeTest {

    @Test
    void availableOnLinuxWithTheBuildsFlags() {
        assertNull(Native.unavailableReason(), "the build runs tests with " + Native.flag());
        assertTrue(Native.available());
    }

    @Test
    void errnoIsCapturedPerCallState() throws Throwable {
        MethodHandle close = Native.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.newCallState(arena);
            assertEquals(-1, (int) close.invokeExact(state, -1));
            assertEquals(Errno.EBADF, Native.errno(state));
        }
    }

    @Test
    void describesErrnoAsTheCLibraryDoes() {
        assertEquals("Connection refused", Native.describe(Errno.ECONNREFUSED));
        assertEquals("Bad file descriptor", Native.describe(Errno.EBADF));
    }

    @Test
    void aMissingFunctionIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Native.downcall("no_such_function_in_libc", FunctionDescriptor.ofVoid()));
        assertTrue(e.getMessage().contains("no_such_function_in_libc"), e.getMessage());
    }

    @Test
    void flagNamesTheClassPathOrTheModule() {
        assertTrue(Native.flag().startsWith("--enable-native-access="), Native.flag());
    }
}
