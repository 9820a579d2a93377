package io.keyspace.sample.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The application's local, in-memory product cache. Reads go through it (cache-aside); it
 * is never told about writes by the code that writes. Instead {@link ProductCacheSync}
 * reloads or evicts entries when Redis reports that a product key changed, so every
 * instance of the application stays fresh, whoever wrote.
 * <p>
 * After an interruption of delivery the library resyncs: it calls the handler for every
 * product key that exists, and the cache drops the entries a pass did not see
 * ({@link #resyncStarted}, {@link #resyncCompleted}).
 */
@Component
public class ProductCache {

	private static final Logger logger = LoggerFactory.getLogger(ProductCache.class);

	private final ProductRepository repository;

	private final ConcurrentMap<String, Product> entries = new ConcurrentHashMap<>();

	// Bumped by every notification. A read that missed only caches what it loaded if no
	// notification arrived meanwhile: otherwise a value read just before a write could be
	// cached after that write's notification was handled, and stay stale.
	private final AtomicLong generation = new AtomicLong();

	// The mirror pattern of a resync pass, per node: the cached ids the pass covers that no
	// notification has mentioned since it started. What is left at its end no longer exists.
	private final ConcurrentMap<String, Set<String>> unseen = new ConcurrentHashMap<>();

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder reloads = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	public ProductCache(ProductRepository repository) {
		this.repository = repository;
	}

	/** The product, from the cache if present, else from Redis (and then cached). */
	public Lookup get(String id) {
		Product cached = this.entries.get(id);
		if (cached != null) {
			this.hits.increment();
			return new Lookup(Optional.of(cached), true);
		}
		this.misses.increment();
		long before = this.generation.get();
		Optional<Product> loaded = this.repository.find(id);
		if (loaded.isPresent() && this.generation.get() == before) {
			this.entries.putIfAbsent(id, loaded.get());
		}
		return new Lookup(loaded, false);
	}

	/** A product key was written, or exists (a resync): reload the entry if this instance caches it. */
	public void reload(String id) {
		this.generation.incrementAndGet();
		seen(id);
		if (!this.entries.containsKey(id)) {
			return; // not cached here: nothing can be stale
		}
		Optional<Product> fresh = this.repository.find(id);
		if (fresh.isPresent()) {
			this.entries.replace(id, fresh.get());
			this.reloads.increment();
			logger.debug("Reloaded product {}", id);
		}
		else {
			evict(id, "gone on reload");
		}
	}

	/** A product key was deleted or expired: drop the entry; {@code true} if it was cached. */
	public boolean evict(String id, String reason) {
		this.generation.incrementAndGet();
		seen(id);
		if (this.entries.remove(id) == null) {
			return false;
		}
		this.evictions.increment();
		logger.debug("Evicted product {} ({})", id, reason);
		return true;
	}

	/**
	 * A resync pass started on a node: marks the cached products it covers, replacing what an
	 * interrupted pass of the node had marked. Notifications may have been missed, so a read
	 * that loaded before this does not cache what it loaded.
	 * @return how many entries were marked
	 */
	public int resyncStarted(String node, Predicate<String> covers) {
		this.generation.incrementAndGet();
		Set<String> marked = ConcurrentHashMap.newKeySet();
		this.entries.keySet().stream().filter(covers).forEach(marked::add);
		this.unseen.put(node, marked);
		return marked.size();
	}

	/**
	 * The resync pass of a node completed: evicts the entries it marked that no notification
	 * mentioned since, as their keys are gone.
	 * @return how many entries were evicted
	 */
	public int resyncCompleted(String node) {
		Set<String> gone = this.unseen.remove(node);
		if (gone == null) {
			return 0;
		}
		int evicted = 0;
		for (String id : gone) {
			if (evict(id, "gone after a gap")) {
				evicted++;
			}
		}
		return evicted;
	}

	/** A notification mentioned the product: no resync pass may drop it as gone. */
	private void seen(String id) {
		this.unseen.values().forEach((marked) -> marked.remove(id));
	}

	/** Whether this instance currently caches the product. */
	public boolean contains(String id) {
		return this.entries.containsKey(id);
	}

	/** The cached entry without loading, for the UI and tests. */
	public Optional<Product> peek(String id) {
		return Optional.ofNullable(this.entries.get(id));
	}

	public Stats stats() {
		return new Stats(this.entries.size(), this.hits.sum(), this.misses.sum(), this.reloads.sum(),
				this.evictions.sum(), new TreeMap<>(this.entries));
	}

	/**
	 * @param product the product, or empty if it does not exist
	 * @param hit whether it came from the cache
	 */
	public record Lookup(Optional<Product> product, boolean hit) {
	}

	/**
	 * Counters since startup and the cached entries.
	 *
	 * @param size cached entries
	 * @param hits reads served from the cache
	 * @param misses reads that went to Redis
	 * @param reloads entries refreshed because their key was written or resynced
	 * @param evictions entries dropped because their key was deleted or expired, or found gone by a resync
	 * @param entries the cached products by id
	 */
	public record Stats(int size, long hits, long misses, long reloads, long evictions, Map<String, Product> entries) {
	}

}
