package io.keyspace.notifications.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A non-web application with only the starter and one {@code @OnKeyEvent} handler, run as a
 * user runs it: its own JVM, its own {@code main}. It must stay up, deliver, and end
 * promptly on SIGTERM.
 */
class KeepAliveIT {

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final List<String> output = new CopyOnWriteArrayList<>();

	private Process process;

	@AfterEach
	void killLeftovers() {
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

	@Test
	void staysUpDeliversAndEndsOnSigterm() throws Exception {
		this.process = launch("--spring.main.web-application-type=none",
				"--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
				"--keyspace-notifications.dispatch.shutdown-timeout=" + SHUTDOWN_TIMEOUT.toSeconds() + "s");
		await("startup").atMost(Duration.ofSeconds(90))
			.failFast("the application exited", () -> !this.process.isAlive())
			.until(() -> printed("Listening for keyspace notifications with 1 handler(s)"));

		// Without a non-daemon thread of the container the JVM exited 1.3 s after this point.
		await("still running").during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(5))
			.until(this.process::isAlive);
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set("alive:1", "v");
		}
		await("delivery").atMost(Duration.ofSeconds(15))
			.until(() -> printed(KeepAliveApplication.HANDLED + "alive:1"));

		long start = System.nanoTime();
		this.process.destroy(); // SIGTERM
		assertThat(this.process.waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
			.as("exited within the shutdown timeout; output:%n%s", String.join("\n", this.output))
			.isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SHUTDOWN_TIMEOUT);
	}

	private boolean printed(String text) {
		return this.output.stream().anyMatch((line) -> line.contains(text));
	}

	private Process launch(String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), KeepAliveApplication.class.getName()));
		command.addAll(List.of(args));
		Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
				lines.lines().forEach(this.output::add);
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "keep-alive-app-output");
		reader.setDaemon(true);
		reader.start();
		return started;
	}

}
