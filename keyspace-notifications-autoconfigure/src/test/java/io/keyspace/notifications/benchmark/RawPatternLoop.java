package io.keyspace.notifications.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

/**
 * The baseline of the benchmarks: a bare Jedis {@code PSUBSCRIBE} loop on its own thread that
 * hands each message's channel to a callback on that thread, and nothing else.
 */
final class RawPatternLoop implements AutoCloseable {

	private final BinaryJedisPubSub pubSub;

	private final Thread thread;

	/** Subscribes {@code __keyspace@0__:<prefix>*} and returns once the server confirmed it. */
	RawPatternLoop(Supplier<Jedis> connection, String prefix, Consumer<byte[]> onChannel) throws InterruptedException {
		CountDownLatch subscribed = new CountDownLatch(1);
		this.pubSub = new BinaryJedisPubSub() {
			@Override
			public void onPMessage(byte[] pattern, byte[] channel, byte[] message) {
				onChannel.accept(channel);
			}

			@Override
			public void onPSubscribe(byte[] pattern, int subscribedChannels) {
				subscribed.countDown();
			}
		};
		this.thread = new Thread(() -> {
			try (Jedis jedis = connection.get()) {
				jedis.psubscribe(this.pubSub, ("__keyspace@0__:" + prefix + "*").getBytes(StandardCharsets.UTF_8));
			}
			catch (RuntimeException ex) {
				// the server dropped the connection; the benchmark's lost count shows it
			}
		}, "raw-jedis-reader");
		this.thread.start();
		if (!subscribed.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("raw Jedis did not subscribe");
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.pubSub.isSubscribed()) {
			this.pubSub.punsubscribe();
		}
		this.thread.join(5_000);
	}

}
