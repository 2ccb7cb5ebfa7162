// SPDX-License-Identifier: GPL-2.0
/*
 * Hold a VFIO group the way QEMU does for a guest, for the kdump test:
 * a sPAPR TCE v2 container with the default window (created on the first
 * map) and a dynamic window of SIZE bytes of 64K pages, some memory mapped
 * at the start of each, then wait to be killed (or for the kernel to
 * crash).
 *   holder /dev/vfio/N SIZE
 * Prints "holder: ..." lines, the last one "holder: holding" when done;
 * on a failure, what failed and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#define BUF_SIZE (1UL << 20)

static int fail(const char *what)
{
	printf("holder: %s: %s\n", what, strerror(errno));
	return 1;
}

static int map(int container, void *vaddr, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map dma_map = {
		.argsz = sizeof(dma_map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = BUF_SIZE,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &dma_map);
}

int main(int argc, char **argv)
{
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
	struct vfio_iommu_spapr_register_memory reg = { .argsz = sizeof(reg) };
	struct vfio_iommu_spapr_tce_create create = {
		.argsz = sizeof(create),
		.page_shift = 16,
		.levels = 1,
	};
	int container, group;
	void *buf;

	if (argc != 3) {
		fprintf(stderr, "usage: holder /dev/vfio/N SIZE\n");
		return 2;
	}
	create.window_size = strtoull(argv[2], NULL, 0);
	/* a window of more than 2^21 TCEs needs levels */
	if (create.window_size >> create.page_shift > 1UL << 21)
		create.levels = 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	group = open(argv[1], O_RDWR);
	if (group < 0)
		return fail(argv[1]);
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		return fail("/dev/vfio/vfio");
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		return fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU))
		return fail("VFIO_SET_IOMMU v2");
	if (ioctl(container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info))
		return fail("VFIO_IOMMU_SPAPR_TCE_GET_INFO");
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return fail("mmap");
	memset(buf, 0x5a, BUF_SIZE);
	reg.vaddr = (uintptr_t)buf;
	reg.size = BUF_SIZE;
	if (ioctl(container, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg))
		return fail("VFIO_IOMMU_SPAPR_REGISTER_MEMORY");
	if (map(container, buf, info.dma32_window_start))
		return fail("map in the default window");
	printf("holder: default window at 0x%llx, 0x%x bytes\n",
	       (unsigned long long)info.dma32_window_start,
	       info.dma32_window_size);
	if (ioctl(container, VFIO_IOMMU_SPAPR_TCE_CREATE, &create))
		return fail("VFIO_IOMMU_SPAPR_TCE_CREATE");
	if (map(container, buf, create.start_addr))
		return fail("map in the dynamic window");
	printf("holder: dynamic window at 0x%llx, 0x%llx bytes\n",
	       (unsigned long long)create.start_addr,
	       (unsigned long long)create.window_size);
	printf("holder: holding\n");
	for (;;)
		pause();
}
