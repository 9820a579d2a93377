package io.keyspace.notifications.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Writes on its own thread at a steady rate until stopped, remembering the key of every write
 * the server acknowledged: for tests that change something (a failover, a handover, a restart)
 * while writes go on, then check that every acknowledged write was handled. A write the server
 * could not take (it is down) is not remembered; the writer connects again and goes on.
 */
public final class PacedWriter implements AutoCloseable {

	private final List<String> written = new CopyOnWriteArrayList<>();

	private final Thread thread;

	private volatile boolean stopped;

	/**
	 * @param perSecond writes per second
	 * @param write sends write number {@code i} on the connection and returns its key
	 */
	public PacedWriter(String name, int perSecond, Supplier<Jedis> connection, BiFunction<Jedis, Integer, String> write) {
		long intervalNanos = 1_000_000_000L / perSecond;
		this.thread = new Thread(() -> {
			Jedis jedis = null;
			long next = System.nanoTime();
			for (int i = 0; !this.stopped; i++) {
				try {
					jedis = (jedis != null) ? jedis : connection.get();
					this.written.add(write.apply(jedis, i));
				}
				catch (JedisConnectionException ex) {
					close(jedis);
					jedis = null;
				}
				next += intervalNanos;
				LockSupport.parkNanos(next - System.nanoTime());
			}
			close(jedis);
		}, name);
		this.thread.start();
	}

	private static void close(Jedis jedis) {
		if (jedis != null) {
			try {
				jedis.close();
			}
			catch (RuntimeException ex) {
				// already broken
			}
		}
	}

	/** The keys written so far, in order. */
	public List<String> written() {
		return List.copyOf(this.written);
	}

	public void stop() throws InterruptedException {
		this.stopped = true;
		this.thread.join(5_000);
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
