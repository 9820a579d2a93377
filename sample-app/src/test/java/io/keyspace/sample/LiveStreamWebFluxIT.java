package io.keyspace.sample;

import org.springframework.test.context.ActiveProfiles;

/** {@link LiveStreamIT} with the {@code webflux} profile: the same stream on WebFlux and Reactor Netty. */
@ActiveProfiles("webflux")
class LiveStreamWebFluxIT extends LiveStreamIT {

	@Override
	WebStack stack() {
		return WebStack.REACTIVE;
	}

}
