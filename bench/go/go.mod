module vfsbench

go 1.19
