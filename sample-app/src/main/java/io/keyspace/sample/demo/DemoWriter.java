package io.keyspace.sample.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.keyspace.sample.catalog.Product;
import io.keyspace.sample.catalog.ProductRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Plays "another service that writes the catalogue", so that something visibly happens on
 * the page: it seeds a few products, changes a price every tick, now and then deletes and
 * re-creates a product, and regularly puts up a flash-sale product with a short TTL, whose
 * {@code expired} notification evicts it from the cache. It writes Redis only, never the
 * cache. Turn it off with {@code sample.demo-writer.enabled=false}; pause it at run time with
 * {@code PUT /api/demo-writer}.
 */
@Component
@EnableScheduling
@ConditionalOnBooleanProperty(name = "sample.demo-writer.enabled", matchIfMissing = true)
class DemoWriter {

	private static final Logger logger = LoggerFactory.getLogger(DemoWriter.class);

	private static final List<Product> CATALOGUE = List.of(product("coffee-beans", "Coffee beans, 1 kg", "18.50"),
			product("grinder", "Burr grinder", "129.00"), product("kettle", "Gooseneck kettle", "59.90"),
			product("mug", "Stoneware mug", "12.00"), product("filters", "Paper filters, 100", "4.20"));

	private final ProductRepository repository;

	private final Duration flashSaleTtl;

	private volatile boolean paused;

	// The fields below are guarded by this.
	private boolean seeded;

	private long tick;

	private String deleted;

	private Instant redisDownSince;

	DemoWriter(ProductRepository repository,
			@Value("${sample.demo-writer.flash-sale-ttl:8s}") Duration flashSaleTtl) {
		this.repository = repository;
		this.flashSaleTtl = flashSaleTtl;
	}

	/** Seeds once the listener container is running, so the page's feed shows the seeding too. */
	@EventListener(ApplicationReadyEvent.class)
	void start() {
		write();
	}

	@Scheduled(initialDelayString = "${sample.demo-writer.interval:3s}",
			fixedDelayString = "${sample.demo-writer.interval:3s}")
	void tick() {
		if (!this.paused) {
			write();
		}
	}

	boolean isPaused() {
		return this.paused;
	}

	/** Pauses or resumes the writes (the page's switch); a paused writer leaves Redis alone. */
	void setPaused(boolean paused) {
		if (this.paused != paused) {
			this.paused = paused;
			logger.info("Demo writer {}", paused ? "paused" : "resumed");
		}
	}

	/**
	 * Seeds the catalogue, or once seeded changes it. While Redis is unreachable it logs one
	 * line when the outage starts and one when it ends, not a stack trace per tick.
	 */
	private synchronized void write() {
		try {
			if (this.seeded) {
				change();
			}
			else {
				seed();
				this.seeded = true;
			}
		}
		catch (DataAccessException ex) {
			if (this.redisDownSince == null) {
				this.redisDownSince = Instant.now();
				logger.warn("Demo writer cannot write to Redis ({}); it keeps trying every tick and logs again when "
						+ "Redis is back", ex.getMostSpecificCause().getMessage());
			}
			return;
		}
		if (this.redisDownSince != null) {
			logger.info("Demo writer: Redis is back after {} s; writing again",
					Duration.between(this.redisDownSince, Instant.now()).toSeconds());
			this.redisDownSince = null;
		}
	}

	private void seed() {
		CATALOGUE.forEach((product) -> this.repository.save(product.withUpdatedAt(Instant.now()), null));
		logger.info("Demo writer seeded {} products; it changes one every tick (sample.demo-writer.enabled=false "
				+ "turns it off, the page's switch pauses it)", CATALOGUE.size());
	}

	private void change() {
		this.tick++;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (this.deleted != null) {
			// A deleted product comes back one tick later: del, then set.
			restore(this.deleted);
			this.deleted = null;
		}
		else if (this.tick % 7 == 0) {
			this.deleted = CATALOGUE.get(random.nextInt(CATALOGUE.size())).id();
			this.repository.delete(this.deleted);
		}
		if (this.tick % 4 == 1) {
			String id = "flash-sale-" + this.tick;
			this.repository.save(new Product(id, "Flash sale #" + this.tick + " (gone in "
					+ this.flashSaleTtl.toSeconds() + " s)", price(random, 1, 20), Instant.now()), this.flashSaleTtl);
		}
		Product changed = CATALOGUE.get(random.nextInt(CATALOGUE.size()));
		if (!changed.id().equals(this.deleted)) {
			BigDecimal factor = BigDecimal.valueOf(random.nextInt(90, 111)).movePointLeft(2);
			this.repository.save(new Product(changed.id(), changed.name(),
					changed.price().multiply(factor).setScale(2, RoundingMode.HALF_UP), Instant.now()), null);
		}
	}

	private void restore(String id) {
		CATALOGUE.stream()
			.filter((product) -> product.id().equals(id))
			.findFirst()
			.ifPresent((product) -> this.repository.save(product.withUpdatedAt(Instant.now()), null));
	}

	private static BigDecimal price(ThreadLocalRandom random, int min, int max) {
		return BigDecimal.valueOf(random.nextInt(min * 100, max * 100)).movePointLeft(2);
	}

	private static Product product(String id, String name, String price) {
		return new Product(id, name, new BigDecimal(price), Instant.EPOCH);
	}

}
