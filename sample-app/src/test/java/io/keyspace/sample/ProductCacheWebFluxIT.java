package io.keyspace.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * {@link ProductCacheIT} with the {@code webflux} profile: the catalogue's API, the feed's event
 * stream (replay after {@code Last-Event-ID}, then live) and the ProblemDetail of a rejected
 * write, the same on WebFlux and Reactor Netty.
 */
@ActiveProfiles("webflux")
class ProductCacheWebFluxIT extends ProductCacheIT {

	@Test
	void runsOnWebFlux(@Autowired ApplicationContext context) {
		WebStack.REACTIVE.assertRunsIn(context);
	}

}
