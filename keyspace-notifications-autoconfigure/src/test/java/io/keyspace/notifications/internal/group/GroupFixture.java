package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;

/**
 * One group on a {@link FakeRedis} with fake time, and the instances that take part in it,
 * each with its own forwarder, consumer, watch and recovery — driven step by step by the
 * test, no engine thread started.
 */
final class GroupFixture {

	static final String GROUP = "g";

	static final GroupKeys KEYS = new GroupKeys("p:", GROUP);

	static final String NODE = "127.0.0.1:7000";

	static final String TAG = "0";

	static final String STREAM = KEYS.stream(TAG);

	static final Set<String> CHANNELS = Set.of("__keyspace@0__:*");

	static final GroupSettings SETTINGS = GroupSettings.defaults()
		.withStreamKeyPrefix("p:")
		.withLeaseTime(Duration.ofSeconds(1))
		.withClaimTimeout(Duration.ofMillis(800))
		.withMaxDeliveries(3)
		.withMaxLength(1_000);

	final FakeRedis server;

	final GroupSettings settings;

	final List<NotificationGap> gaps = new CopyOnWriteArrayList<>();

	GroupFixture() {
		this(SETTINGS);
	}

	GroupFixture(GroupSettings settings) {
		this.settings = settings;
		this.server = new FakeRedis(KEYS, settings.maxLength());
	}

	FakeRedis.FakeClock clock() {
		return this.server.clock;
	}

	Instance instance(String name) {
		return instance(name, (n) -> {
		});
	}

	Instance instance(String name, KeyNotificationHandler handler) {
		return instance(name, handler, HandlerObserver.NONE);
	}

	Instance instance(String name, KeyNotificationHandler handler, HandlerObserver observer) {
		return new Instance(name, handler, observer);
	}

	/** An instance whose notifications are subscribed, so its forwarder takes part in the leases. */
	Instance listening(String name) {
		Instance instance = instance(name);
		instance.forwarder.listening();
		return instance;
	}

	List<NotificationGap> gaps(GapCause cause) {
		return this.gaps.stream().filter((gap) -> gap.cause() == cause).toList();
	}

	static KeyNotification notification(String key) {
		return KeyNotification.parse(("__keyspace@0__:" + key).getBytes(StandardCharsets.UTF_8),
				"set".getBytes(StandardCharsets.UTF_8), null, "__keyspace@0__:*".getBytes(StandardCharsets.UTF_8), NODE)
			.orElseThrow();
	}

	/**
	 * The handler lanes as a forwarder sees them: each checkpoint passes once the test says the
	 * lanes handed on everything they held when it was taken.
	 */
	static final class Lanes {

		private int taken;

		private volatile int passedThrough;

		private volatile boolean idle;

		synchronized BooleanSupplier checkpoint() {
			int id = ++this.taken;
			return () -> this.idle || this.passedThrough >= id;
		}

		/** From now on the lanes keep up: every checkpoint passes at once. */
		void keepUp() {
			this.idle = true;
		}

		/** The lanes handed on everything they held up to now. */
		synchronized void catchUp() {
			this.passedThrough = this.taken;
		}

	}

	/** One application instance of the group. */
	final class Instance implements ForwardedNotifications {

		final String name;

		final KeyNotificationHandler handler;

		final GroupRedis redis;

		final GroupCounters counters = new GroupCounters();

		final StreamWatch watch;

		final StreamRecovery recovery;

		final Forwarder forwarder;

		final GroupConsumer consumer;

		final Lanes lanes = new Lanes();

		volatile long lastInterruption;

		Instance(String name, KeyNotificationHandler handler, HandlerObserver observer) {
			this.name = name;
			this.handler = handler;
			GroupSettings settings = GroupFixture.this.settings.withConsumerName(name);
			this.redis = GroupFixture.this.server.view(name, settings.leaseTime());
			this.watch = new StreamWatch(GROUP, this.redis, clock(), CHANNELS, GroupFixture.this.gaps::add);
			this.recovery = new StreamRecovery(GROUP, this.redis, clock(), this.watch, CHANNELS,
					GroupFixture.this.gaps::add);
			this.forwarder = new Forwarder(GROUP, this.redis, KEYS, settings, clock(), this, this.recovery, CHANNELS,
					GroupFixture.this.gaps::add, this.counters);
			this.consumer = new GroupConsumer(GROUP, this.redis, settings, handler, new byte[0],
					(notification, failed, error) -> {
					}, observer, this.counters, this.watch, this.recovery, Duration.ofSeconds(2));
		}

		/**
		 * The instance's group as its owner holds it, asking Redis through {@code redis}; never
		 * resumed, so no consumer thread runs (and it counts as paused).
		 */
		GroupParts.Running running(GroupRedis redis) {
			return new GroupParts.Running(GROUP, this.handler, redis, this.forwarder, () -> this.consumer,
					this.counters);
		}

		/** Reads these notifications, as the handler lanes hand them to the forwarder. */
		void read(String... keys) {
			for (String key : keys) {
				this.forwarder.onNotification(notification(key));
			}
		}

		/** Writes everything queued, as the forwarding thread does. */
		void forward() {
			try {
				for (int i = 0; i < 100; i++) {
					this.forwarder.forwardOnce(0);
				}
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}

		boolean leads() {
			return this.name.equals(GroupFixture.this.server.leaseHolder(TAG));
		}

		@Override
		public String tagOf(String node) {
			return TAG;
		}

		@Override
		public Collection<String> nodesRead() {
			return List.of(NODE);
		}

		@Override
		public BooleanSupplier laneCheckpoint() {
			return this.lanes.checkpoint();
		}

		@Override
		public long lastInterruption(String node) {
			return this.lastInterruption;
		}

	}

}
