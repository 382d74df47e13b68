package io.statetree.autoconfigure.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeChangesEndpoint;
import io.statetree.actuate.StateTreeEndpoint;
import io.statetree.actuate.StateTreeGroupsEndpoint;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Once the context's singletons exist, WARNs when the StateTree endpoints are unguarded (no Spring
 * Security, see {@link EndpointGuard}), naming only those that are exposed: an endpoint's bean
 * exists only when Boot's exposure and access settings make it available. Says nothing when none
 * is exposed or the access policy is guarded.
 */
final class UnguardedEndpointsWarning implements SmartInitializingSingleton {

	/** The StateTree endpoints by id, in the order the WARN names them. */
	private static final List<Map.Entry<String, Class<?>>> ENDPOINTS = List.of(
			Map.entry("statetree", StateTreeEndpoint.class), Map.entry("statetreechanges", StateTreeChangesEndpoint.class),
			Map.entry("statetreegroups", StateTreeGroupsEndpoint.class));

	private final ListableBeanFactory beanFactory;

	private final Supplier<Show> showValues;

	UnguardedEndpointsWarning(ListableBeanFactory beanFactory, Supplier<Show> showValues) {
		this.beanFactory = beanFactory;
		this.showValues = showValues;
	}

	@Override
	public void afterSingletonsInstantiated() {
		StateTreeAccess access = this.beanFactory.getBeanProvider(StateTreeAccess.class).getIfUnique();
		if (access == null || !access.isUnguarded()) {
			return;
		}
		List<String> exposed = exposed();
		if (!exposed.isEmpty()) {
			EndpointGuard.warnUnguarded(exposed, this.showValues.get());
		}
	}

	/** The ids of the StateTree endpoints whose beans exist, i.e. that are available (exposed). */
	List<String> exposed() {
		List<String> exposed = new ArrayList<>();
		for (Map.Entry<String, Class<?>> endpoint : ENDPOINTS) {
			if (this.beanFactory.getBeanNamesForType(endpoint.getValue(), false, false).length > 0) {
				exposed.add(endpoint.getKey());
			}
		}
		return exposed;
	}

}
