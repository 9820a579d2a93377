package io.keyspace.notifications.internal.reader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.NodeStatus;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A write that cannot go on (the server stopped reading) holds up no one but its writer. */
class NodeSubscriberIT {

	private static final Duration QUICK = Duration.ofSeconds(5);

	/** The read timeout (two intervals plus the command timeout) outlasts the test. */
	private static final ConnectionSettings SETTINGS = ConnectionSettings.builder()
		.healthCheckInterval(Duration.ofMinutes(1))
		.build();

	@Test
	void aStuckWriteBlocksNoStatusReadAndNoOtherWriterAndCloseEndsIt() throws Exception {
		try (RedisServer server = RedisServer.builder().start()) {
			NodeSubscriber subscriber = new NodeSubscriber(new RedisNode(server.host(), server.port()), SETTINGS,
					(node, pattern, channel, message) -> {
					}, NodeListener.NONE);
			try {
				List<byte[]> first = List.of(bytes("first"));
				subscriber.want(first, List.of());
				subscriber.start();
				subscriber.awaitConfirmed(first, List.of(), QUICK);
				server.freeze();
				try {
					// Far more than the socket buffers take while nobody reads.
					subscriber.want(channels(8_000, 2_000), List.of());
					Thread writer = new Thread(subscriber::sync, "stuck-writer");
					writer.start();
					await().atMost(QUICK).until(() -> isWritingToASocket(writer));

					assertTimeoutPreemptively(QUICK, () -> {
						assertThat(subscriber.status(0, "").state()).isEqualTo(NodeStatus.State.SUBSCRIBING);
						assertThat(subscriber.isFullySubscribed()).isFalse();
						assertThat(subscriber.isConnected()).isTrue();
						subscriber.want(List.of(bytes("later")), List.of());
						subscriber.sync(); // left to the writer
						subscriber.checkHealth();
						subscriber.checkHealth(); // the PING is left to the writer too
					});
					assertThat(isWritingToASocket(writer)).as("still stuck").isTrue();

					// Closing the socket ends the write; nothing waited for the writer to let go.
					assertTimeoutPreemptively(QUICK, subscriber::close);
					writer.join(QUICK.toMillis());
					assertThat(writer.isAlive()).isFalse();
				}
				finally {
					server.thaw();
				}
			}
			finally {
				subscriber.close();
			}
		}
	}

	private static boolean isWritingToASocket(Thread thread) {
		return Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().contains("Socket") && frame.getMethodName().contains("rite"));
	}

	private static List<byte[]> channels(int count, int length) {
		List<byte[]> channels = new ArrayList<>(count);
		String padding = "x".repeat(length);
		for (int i = 0; i < count; i++) {
			channels.add(bytes(i + padding));
		}
		return channels;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
