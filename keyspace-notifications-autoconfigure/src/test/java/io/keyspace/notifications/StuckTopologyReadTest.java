package io.keyspace.notifications;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntPredicate;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * No caller waits for a topology read it did not ask for: a read that hangs (a frozen node
 * answers nothing until the command timeout, here until the test releases it) holds up
 * neither subscriptions nor status and metric reads, and {@code close()} lets go of a caller
 * waiting in {@code refresh()}. The node of the topology is unreachable, so no Redis is needed.
 */
class StuckTopologyReadTest {

	/** Far below the time a stuck read is held; long enough for a loaded machine. */
	private static final Duration QUICK = Duration.ofSeconds(5);

	private static final ConnectionSettings SETTINGS = ConnectionSettings.builder()
		.connectTimeout(Duration.ofMillis(500))
		.commandTimeout(Duration.ofMillis(500))
		.backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
		.build();

	private static final NotificationOptions FAIL_FAST_OFF = NotificationOptions.builder().failFast(false).build();

	private static final KeyNotificationHandler HANDLER = (notification) -> {
	};

	private StuckRead source;

	@AfterEach
	void release() {
		this.source.release();
	}

	@Test
	void aSubscriptionDoesNotWaitBehindAnotherOnesStuckFirstRead() throws Exception {
		this.source = new StuckRead((read) -> read == 1);
		try (ClusterKeyspaceNotifications notifications = create()) {
			Thread first = new Thread(() -> notifications.subscribe(HANDLER, new KeyspaceChannel("a:*")), "first");
			first.start();
			this.source.awaitStuck();
			assertTimeoutPreemptively(QUICK, () -> {
				notifications.subscribe(HANDLER, new KeyspaceChannel("b:*"));
				assertThat(notifications.nodes()).hasSize(1);
				assertThat(notifications.isSubscribed()).isFalse();
			});
			this.source.release();
			first.join(QUICK.toMillis());
			assertThat(first.isAlive()).isFalse();
		}
	}

	@Test
	void aStuckRefreshHoldsUpNoCallerButThoseAskingForARefresh() throws Exception {
		this.source = new StuckRead((read) -> read > 1);
		try (ClusterKeyspaceNotifications notifications = create()) {
			// The reader cannot connect: its node is followed at once, and that refresh hangs.
			notifications.subscribe(HANDLER, new KeyspaceChannel("a:*"));
			this.source.awaitStuck();
			Thread refresh = new Thread(notifications::refresh, "refresh");
			refresh.start();
			assertTimeoutPreemptively(QUICK, () -> {
				notifications.subscribe(HANDLER, new KeyspaceChannel("b:*"));
				notifications.unsubscribe(new KeyspaceChannel("a:*"));
				assertThat(notifications.metrics().received()).isZero();
				assertThat(notifications.nodes()).singleElement()
					.satisfies((node) -> assertThat(node.node()).isEqualTo(this.source.node.toString()));
				assertThat(notifications.isSubscribed()).isFalse();
				assertThat(notifications.readNodes()).isEmpty();
				assertThat(notifications.serverSubscriptions()).containsOnlyKeys(this.source.node);
			});
			assertThat(refresh.isAlive()).as("a refresh waits for the refresh before it").isTrue();
			this.source.release();
			refresh.join(QUICK.toMillis());
			assertThat(refresh.isAlive()).isFalse();
		}
	}

	@Test
	void closeLetsGoOfACallerWaitingForARefresh() throws Exception {
		this.source = new StuckRead((read) -> read > 1);
		ClusterKeyspaceNotifications notifications = create();
		notifications.subscribe(HANDLER, new KeyspaceChannel("a:*"));
		this.source.awaitStuck();
		Thread refresh = new Thread(notifications::refresh, "refresh");
		refresh.start();
		await().until(() -> refresh.getState() == Thread.State.WAITING || refresh.getState() == Thread.State.BLOCKED);
		assertTimeoutPreemptively(QUICK, notifications::close);
		refresh.join(QUICK.toMillis());
		assertThat(refresh.isAlive()).isFalse();
	}

	private ClusterKeyspaceNotifications create() {
		return new ClusterKeyspaceNotifications(List.of(this.source.node), SETTINGS, FAIL_FAST_OFF, Duration.ofMinutes(1),
				this.source);
	}

	/**
	 * A topology source whose chosen reads hang until released, ignoring interrupts as a
	 * blocking socket read does. Every read names one node, which refuses connections.
	 */
	private static final class StuckRead implements Function<List<RedisNode>, ClusterTopology> {

		private final RedisNode node = new RedisNode("127.0.0.1", closedPort());

		private final IntPredicate sticks;

		private final AtomicInteger reads = new AtomicInteger();

		private final CountDownLatch stuck = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		/** @param sticks which reads hang, numbered from 1 */
		StuckRead(IntPredicate sticks) {
			this.sticks = sticks;
		}

		@Override
		public ClusterTopology apply(List<RedisNode> seeds) {
			if (this.sticks.test(this.reads.incrementAndGet())) {
				this.stuck.countDown();
				awaitUninterruptibly(this.released);
			}
			return ClusterTopology.singleShard(this.node, Set.of());
		}

		void awaitStuck() throws InterruptedException {
			assertThat(this.stuck.await(QUICK.toMillis(), TimeUnit.MILLISECONDS))
				.as("a topology read is stuck")
				.isTrue();
		}

		void release() {
			this.released.countDown();
		}

		private static void awaitUninterruptibly(CountDownLatch latch) {
			boolean interrupted = false;
			while (latch.getCount() > 0) {
				try {
					latch.await();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

		private static int closedPort() {
			try (ServerSocket socket = new ServerSocket(0)) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
