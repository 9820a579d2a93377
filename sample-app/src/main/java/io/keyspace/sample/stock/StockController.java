package io.keyspace.sample.stock;

import java.time.Duration;

import io.keyspace.sample.catalog.ProductKeys;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * A product's stock and the holds on it: reserve units for a while, check them out, or let
 * the hold expire and the units come back by themselves.
 */
@RestController
@RequestMapping("/api/stock")
class StockController {

	private static final long MAX_TTL_SECONDS = 86_400;

	private final Stock stock;

	private final HoldExpiry expiry;

	StockController(Stock stock, HoldExpiry expiry) {
		this.stock = stock;
		this.expiry = expiry;
	}

	/** The stock, and what this instance released (its share of the expiries). */
	@GetMapping("/{id}")
	StockView level(@PathVariable("id") String id) {
		return new StockView(this.stock.level(validId(id)), this.expiry.calls(), this.expiry.released());
	}

	/** Sets the units available. */
	@PutMapping("/{id}")
	Stock.StockLevel setAvailable(@PathVariable("id") String id, @RequestBody StockRequest request) {
		if (request.available() == null || request.available() < 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "available must be zero or more");
		}
		this.stock.setAvailable(validId(id), request.available());
		return this.stock.level(id);
	}

	/** Reserves units until checked out or until the hold expires; 409 when too few are available. */
	@PostMapping("/{id}/holds")
	ResponseEntity<Stock.Hold> reserve(@PathVariable("id") String id, @RequestBody HoldRequest request) {
		long quantity = (request.quantity() != null) ? request.quantity() : 1;
		long ttlSeconds = (request.ttlSeconds() != null) ? request.ttlSeconds() : 30;
		if (quantity < 1) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "quantity must be at least 1");
		}
		if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ttlSeconds must be 1 to " + MAX_TTL_SECONDS);
		}
		return this.stock.reserve(validId(id), quantity, Duration.ofSeconds(ttlSeconds))
			.map((hold) -> ResponseEntity.status(HttpStatus.CREATED).body(hold))
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT,
					"Only " + this.stock.level(id).available() + " unit(s) of " + id + " available"));
	}

	/** Checks a hold out: its units are sold and do not come back. 404 when it expired. */
	@DeleteMapping("/{id}/holds/{holdId}")
	ResponseEntity<Void> checkout(@PathVariable("id") String id, @PathVariable("holdId") String holdId) {
		if (!this.stock.checkout(validId(id), holdId)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No open hold " + holdId + " on " + id + ": it expired (its units are back) or never was");
		}
		return ResponseEntity.noContent().build();
	}

	private static String validId(String id) {
		if (!ProductKeys.isValidId(id)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"A product id has 1 to 64 letters, digits, '-' or '_'");
		}
		return id;
	}

	/** @param available units to offer */
	record StockRequest(Long available) {
	}

	/**
	 * @param quantity units to reserve, default 1
	 * @param ttlSeconds how long the hold lasts, default 30
	 */
	record HoldRequest(Long quantity, Long ttlSeconds) {
	}

	/**
	 * @param level the stock in Redis
	 * @param expiriesHandledHere hold expiries this instance handled
	 * @param unitsReleasedHere units this instance put back
	 */
	record StockView(Stock.StockLevel level, long expiriesHandledHere, long unitsReleasedHere) {
	}

}
