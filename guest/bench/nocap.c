// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the control runs of the benchmark: QEMU is told
 * that KVM lacks KVM_CAP_SPAPR_TCE_VFIO, as a kernel without the series'
 * KVM patches tells it on a pSeries host, so it keeps the TCE tables of
 * passed-through devices in userspace and turns each TCE into a VFIO
 * ioctl. Everything else goes to the C library's ioctl().
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <linux/kvm.h>

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real_ioctl)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, ...))
			dlsym(RTLD_NEXT, "ioctl");
	if (request == KVM_CHECK_EXTENSION &&
	    (unsigned long)arg == KVM_CAP_SPAPR_TCE_VFIO)
		return 0;
	return real_ioctl(fd, request, arg);
}
