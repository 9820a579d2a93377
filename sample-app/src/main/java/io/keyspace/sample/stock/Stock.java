package io.keyspace.sample.stock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

/**
 * A product's stock in Redis. Each change is one Lua script, so that the counter, the hold and
 * the hash of open holds never disagree, and a release is idempotent: the group handler may be
 * called twice for one expiry (at least once, see docs/groups.md), the units go back once.
 */
@Service
public class Stock {

	/** Takes units off the stock and opens an expiring hold on them; -1 when there are too few. */
	private static final RedisScript<Long> RESERVE = RedisScript.of("""
			local available = tonumber(redis.call('GET', KEYS[1]) or '0')
			local quantity = tonumber(ARGV[1])
			if available < quantity then return -1 end
			redis.call('DECRBY', KEYS[1], quantity)
			redis.call('HSET', KEYS[2], ARGV[2], quantity)
			redis.call('SET', KEYS[3], quantity, 'PX', ARGV[3])
			return available - quantity
			""", Long.class);

	/** Puts a hold's units back if it is still open; 0 when it was released or checked out already. */
	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			local quantity = redis.call('HGET', KEYS[1], ARGV[1])
			if not quantity then return 0 end
			redis.call('HDEL', KEYS[1], ARGV[1])
			redis.call('INCRBY', KEYS[2], quantity)
			return tonumber(quantity)
			""", Long.class);

	/** Closes a hold that has not expired: the units are sold. 0 when the hold is gone. */
	private static final RedisScript<Long> CHECKOUT = RedisScript.of("""
			if redis.call('DEL', KEYS[2]) == 0 then return 0 end
			redis.call('HDEL', KEYS[1], ARGV[1])
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	public Stock(StringRedisTemplate redis) {
		this.redis = redis;
	}

	/** Sets the units available ({@code SET stock:<id>}). */
	public void setAvailable(String product, long available) {
		this.redis.opsForValue().set(StockKeys.stock(product), Long.toString(available));
	}

	/** The stock now: units available, and the open holds with their units. */
	public StockLevel level(String product) {
		String available = this.redis.opsForValue().get(StockKeys.stock(product));
		Map<Object, Object> holds = this.redis.opsForHash().entries(StockKeys.holds(product));
		long held = holds.values().stream().mapToLong((units) -> Long.parseLong((String) units)).sum();
		return new StockLevel(product, (available != null) ? Long.parseLong(available) : 0, holds.size(), held);
	}

	/** Reserves units for {@code ttl}; empty when fewer are available. */
	public Optional<Hold> reserve(String product, long quantity, Duration ttl) {
		String holdId = UUID.randomUUID().toString();
		Long left = this.redis.execute(RESERVE,
				List.of(StockKeys.stock(product), StockKeys.holds(product), StockKeys.hold(product, holdId)),
				Long.toString(quantity), holdId, Long.toString(ttl.toMillis()));
		if (left == null || left < 0) {
			return Optional.empty();
		}
		return Optional.of(new Hold(product, holdId, quantity, Instant.now().plus(ttl), left));
	}

	/** Sells the held units: the hold closes without releasing them. False if it expired or never was. */
	public boolean checkout(String product, String holdId) {
		Long closed = this.redis.execute(CHECKOUT, List.of(StockKeys.holds(product), StockKeys.hold(product, holdId)),
				holdId);
		return closed != null && closed == 1;
	}

	/** Puts the units of an expired hold back; returns how many (0 if already done). */
	public long release(String product, String holdId) {
		Long released = this.redis.execute(RELEASE, List.of(StockKeys.holds(product), StockKeys.stock(product)),
				holdId);
		return (released != null) ? released : 0;
	}

	/**
	 * Releases every open hold whose key is gone: expiries nobody handled, e.g. while no
	 * instance ran. Returns the units put back.
	 */
	public long releaseOrphans() {
		long released = 0;
		for (String holdsKey : holdsKeys()) {
			String product = holdsKey.substring("holds:".length());
			for (Object holdId : this.redis.opsForHash().keys(holdsKey)) {
				if (!Boolean.TRUE.equals(this.redis.hasKey(StockKeys.hold(product, (String) holdId)))) {
					released += release(product, (String) holdId);
				}
			}
		}
		return released;
	}

	private List<String> holdsKeys() {
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = this.redis.scan(ScanOptions.scanOptions().match("holds:*").count(100).build())) {
			cursor.forEachRemaining(keys::add);
		}
		return keys;
	}

	/**
	 * @param product the product id
	 * @param available units that can be reserved
	 * @param holds open holds
	 * @param held units the open holds reserve
	 */
	public record StockLevel(String product, long available, int holds, long held) {
	}

	/**
	 * @param product the product id
	 * @param holdId the hold's id, to check out with
	 * @param quantity units reserved
	 * @param expiresAt when the units go back unless checked out
	 * @param available units left after this hold
	 */
	public record Hold(String product, String holdId, long quantity, Instant expiresAt, long available) {
	}

}
