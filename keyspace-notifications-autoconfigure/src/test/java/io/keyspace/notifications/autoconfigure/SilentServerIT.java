package io.keyspace.notifications.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.annotation.OnKeyEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that accepts the TCP connection but never answers (a hung process, a proxy whose
 * backend is gone) must fail startup within the configured timeouts, naming host and port.
 */
class SilentServerIT {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(800);

	private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

	private ServerSocket server;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startSilentServer() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			while (!this.server.isClosed()) {
				try {
					this.accepted.add(this.server.accept()); // held open, never read, never answered
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "silent-server");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	@AfterEach
	void stopSilentServer() throws IOException {
		this.server.close();
		for (Socket socket : this.accepted) {
			socket.close();
		}
	}

	@Test
	void startupFailsAfterTheCommandAndConnectTimeoutsNamingTheServer() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					KeyspaceNotificationsAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.server.getLocalPort(),
					"spring.data.redis.timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"spring.data.redis.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms");
		// Without a handler nothing subscribes: a first context only loads the classes, so that
		// the measured run is about the timeouts, not about a cold JVM.
		runner.run((context) -> assertThat(context).hasNotFailed());
		long start = System.nanoTime();
		runner.withBean(Handler.class).run((context) -> {
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(context).hasFailed();
			assertThat(this.accepted).as("connections the server accepted").isNotEmpty();
			// The budget is one connect plus one command; the slack covers context startup on a busy machine.
			assertThat(took).as("time to fail").isLessThan(COMMAND_TIMEOUT.plus(CONNECT_TIMEOUT).plusMillis(1000));
			FailureAnalysis analysis = new NodeConnectionFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains("127.0.0.1:" + this.server.getLocalPort());
		});
	}

	static class Handler {

		@OnKeyEvent(key = "silent:*")
		void onKey(String key) {
		}

	}

}
