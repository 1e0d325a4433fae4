package io.gevent4j.subprocess;

import io.gevent4j.FreshHub;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubprocessTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void runCapturesBothOutputsAndTheStatus() {
        FreshHub.run(() -> {
            CompletedProcess done = Subprocess.run("sh", "-c", "echo out; echo err >&2; exit 3");
            assertEquals(3, done.returncode());
            assertEquals("out\n", text(done.stdout()));
            assertEquals("err\n", text(done.stderr()));
            CalledProcessError e = assertThrows(CalledProcessError.class, done::checkReturncode);
            assertEquals(3, e.returncode());
            assertEquals("out\n", text(e.stdout()));
        });
    }

    @Test
    void runSendsInputAndChecks() {
        FreshHub.run(() -> {
            CompletedProcess done = Subprocess.run(new ProcessBuilder("/bin/cat"),
                    "abc".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30), true);
            assertEquals("abc", text(done.stdout()));
            assertThrows(CalledProcessError.class,
                    () -> Subprocess.run(new ProcessBuilder("false"), null, null, true));
        });
    }

    @Test
    void callCheckCallAndCheckOutput() {
        FreshHub.run(() -> {
            assertEquals(0, Subprocess.call("true"));
            assertEquals(1, Subprocess.call("false"));
            Subprocess.checkCall("true");
            CalledProcessError e = assertThrows(CalledProcessError.class, () -> Subprocess.checkCall("sh", "-c", "exit 2"));
            assertEquals(2, e.returncode());
            assertEquals(List.of("sh", "-c", "exit 2"), e.command());
            assertTrue(e.getMessage().contains("non-zero exit status 2"), e.getMessage());
            assertEquals("hi\n", text(Subprocess.checkOutput("sh", "-c", "echo hi")));
            CalledProcessError failed = assertThrows(CalledProcessError.class,
                    () -> Subprocess.checkOutput("sh", "-c", "echo partial; exit 4"));
            assertEquals("partial\n", text(failed.stdout()));
            assertThrows(IllegalArgumentException.class,
                    () -> Subprocess.checkOutput(new ProcessBuilder("true").inheritIO(), null));
        });
    }

    @Test
    void aTimeoutKillsTheProcess() {
        FreshHub.run(() -> {
            long start = System.nanoTime();
            TimeoutExpired e = assertThrows(TimeoutExpired.class,
                    () -> Subprocess.call(new ProcessBuilder("sleep", "30"), Duration.ofMillis(200)));
            assertEquals(Duration.ofMillis(200), e.timeout());
            assertTrue(FreshHub.secondsSince(start) < 20, "the process was killed, not waited for");
        });
    }
}
