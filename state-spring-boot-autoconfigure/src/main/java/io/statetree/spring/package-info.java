/**
 * StateTree's Spring programming model: {@link io.statetree.spring.OnStateChange} listener
 * methods, {@link io.statetree.spring.Derived} methods, {@link io.statetree.spring.StateControllerCustomizer}
 * and the {@link io.statetree.spring.StateTreeAnnotationBeanPostProcessor} that wires them to the
 * {@link io.statetree.core.StateController}.
 * <p>
 * Package-private behind them: {@code StateMethodListener} (an {@code @OnStateChange} method as a
 * listener), {@code DerivedMethod} (a {@code @Derived} method as a derivation), {@code BeanMethod}
 * (the bean and the method to invoke), {@code MethodArgumentConverter} (values to parameter types)
 * and {@code Methods} (method descriptions for messages).
 */
@NullMarked
package io.statetree.spring;

import org.jspecify.annotations.NullMarked;
