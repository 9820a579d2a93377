package io.keyspace.notifications.testing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Writes distinct keys ({@code SET <prefix><i> v}) on its own thread at a steady rate to
 * whichever node is the master, as an application does across a promotion, and remembers
 * which node acknowledged each write and when. The master is looked up when the writer
 * starts, every {@code lookupMillis} while it writes, and right after a write failed; a write
 * refused ({@code READONLY} from a demoted master) or lost with its connection is not
 * acknowledged and not remembered.
 * <p>
 * Unlike {@link PacedWriter}, which writes to one endpoint and remembers only keys, this one
 * knows the node and the moment of each write, so a test can hold a write against the gap
 * reported for that node and time.
 */
public final class MasterFollowingWriter implements AutoCloseable {

	private final List<Write> acknowledged = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

	private final AtomicReference<String> lastFailure = new AtomicReference<>("none");

	private final Thread thread;

	private volatile boolean stopped;

	/**
	 * @param prefix the keys are {@code prefix + i}
	 * @param master finds the master now, as {@code host:port}; called on the writer's thread
	 * @param lookupMillis how often the master is looked up while writes succeed
	 */
	public MasterFollowingWriter(String prefix, int perSecond, Supplier<String> master, long lookupMillis) {
		long intervalNanos = 1_000_000_000L / perSecond;
		long lookupNanos = lookupMillis * 1_000_000L;
		this.thread = new Thread(() -> {
			Jedis jedis = null;
			String node = null;
			long lookedUp = 0;
			long next = System.nanoTime();
			for (int i = 0; !this.stopped; i++) {
				boolean sending = false;
				try {
					if (jedis == null || System.nanoTime() - lookedUp >= lookupNanos) {
						String found = master.get();
						lookedUp = System.nanoTime();
						if (!found.equals(node)) {
							close(jedis);
							jedis = null;
							node = found;
						}
						jedis = (jedis != null) ? jedis : new Jedis(HostAndPort.from(node));
					}
					String key = prefix + i;
					Instant sent = Instant.now();
					sending = true;
					jedis.set(key, "v");
					this.acknowledged.add(new Write(key, node, sent, Instant.now()));
				}
				catch (RuntimeException ex) {
					// Demoted (READONLY), down, or no master known: look up again at the next write.
					if (sending) {
						this.refused.computeIfAbsent(node, (n) -> new AtomicInteger()).incrementAndGet();
					}
					this.lastFailure.set((sending ? node : "looking up the master") + ": " + ex.getMessage());
					close(jedis);
					jedis = null;
				}
				next += intervalNanos;
				LockSupport.parkNanos(next - System.nanoTime());
			}
			close(jedis);
		}, "master-following-writer");
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

	/** The writes acknowledged so far, in order. */
	public List<Write> acknowledged() {
		return List.copyOf(this.acknowledged);
	}

	/** How many writes {@code hostAndPort} acknowledged so far. */
	public long acknowledgedBy(String hostAndPort) {
		return this.acknowledged.stream().filter((write) -> write.node().equals(hostAndPort)).count();
	}

	public void stop() throws InterruptedException {
		this.stopped = true;
		this.thread.join(5_000);
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

	/** Acknowledged and refused (or lost) writes per node, and the last failure. */
	@Override
	public String toString() {
		return "acknowledged " + this.acknowledged.stream()
			.collect(Collectors.groupingBy(Write::node, TreeMap::new, Collectors.counting())) + ", refused "
				+ new TreeMap<>(this.refused) + ", last failure " + this.lastFailure.get();
	}

	/**
	 * A write {@code node} acknowledged: sent at {@code sent}, its reply read at
	 * {@code acknowledged}, so the server applied it in between.
	 */
	public record Write(String key, String node, Instant sent, Instant acknowledged) {

		/** Whether the server may have applied it between {@code start} and {@code end}. */
		public boolean overlaps(Instant start, Instant end) {
			return this.sent.isBefore(end) && this.acknowledged.isAfter(start);
		}

	}

}
